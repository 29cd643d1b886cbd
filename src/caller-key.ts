import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Credentials } from './credentials';
import type { ClientAddress } from './http/client-address';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Upstream credentials as a caller presents them (raw header values, or the credentials a request acts with). */
export interface CredentialParts {
  dccApiKey?: string | null;
  dccSecretKey?: string | null;
  gdcToken?: string | null;
}

/** The identity of a proved GATEWAY_API_KEYS key: a digest, never the key (res.locals.gatewayKey). */
export function gatewayKeyIdentity(bearer: string): string {
  return `key:${sha256(bearer)}`;
}

/**
 * THE rule for "who is this caller", used by rate limits (callerKey) and job ownership (ownerOf):
 * the gateway key it proved, else a fingerprint of the upstream credentials it brings (never the
 * secret itself), else null (the caller's address is the rate limiter's own last resort).
 */
export function callerIdentity(gatewayKey: string | null | undefined, parts: CredentialParts): string | null {
  if (gatewayKey) return gatewayKey;
  const own = [parts.dccApiKey ?? '', parts.dccSecretKey ?? '', parts.gdcToken ?? ''];
  return own.some(Boolean) ? `credentials:${sha256(own.join('\n'))}` : null;
}

/** The parts of credentials a request acts with (ENCODE key pair, GDC token). */
export function credentialParts(creds: Credentials): CredentialParts {
  return { dccApiKey: creds.encode?.key, dccSecretKey: creds.encode?.secret, gdcToken: creds.gdcToken };
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
}

/** Who a request counts against (rate limits): callerIdentity over its headers, else its client address (TRUST_PROXY's rule). */
export function callerKey(req: IncomingMessage, gatewayKey: string | null | undefined, clientAddress: ClientAddress): string {
  const own = { dccApiKey: header(req, 'x-dcc-api-key'), dccSecretKey: header(req, 'x-dcc-secret-key'), gdcToken: header(req, 'x-auth-token') };
  return callerIdentity(gatewayKey, own) ?? `address:${clientAddress(req)}`;
}
