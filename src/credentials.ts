import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { EncodeCredentials } from './datasources/encode/client';

export interface Credentials {
  encode: EncodeCredentials | null;
  gdcToken: string | null;
}

/** Who may act with the operator's credentials (DCC_API_KEY/DCC_SECRET_KEY, GDC_TOKEN). */
export type OperatorScope = 'everyone' | 'authenticated' | 'nobody';

export interface CredentialPolicy {
  /** The operator's credentials from the environment. */
  operator: Credentials;
  /** The embedded sandbox's fixed, public credentials (null for a real upstream). */
  sandbox: Credentials;
  operatorScope: OperatorScope;
  /** ALLOW_CREDENTIAL_FALLBACK */
  allowFallback: boolean;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost|::ffff:127(\.\d{1,3}){3})$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/**
 * The operator's credentials serve callers who proved a GATEWAY_API_KEYS key; without keys only a
 * gateway on loopback (where every caller is on this machine) lends them, and a gateway open to
 * the network without keys lends them to nobody.
 */
export function operatorScope(apiKeys: string[], host: string): OperatorScope {
  if (apiKeys.length) return 'authenticated';
  return isLoopback(host) ? 'everyone' : 'nobody';
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const v = headers[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : null;
}

/**
 * One request's credentials: its own headers first; for an upstream it brings none for, the
 * operator's (when the policy lends them) or the sandbox's. A caller that brings its own credential
 * for one upstream gets no default for the other unless ALLOW_CREDENTIAL_FALLBACK is set: a
 * caller acting as itself must not silently act as the operator elsewhere.
 */
export function callerCredentials(headers: IncomingHttpHeaders, policy: CredentialPolicy, authenticated: boolean): Credentials {
  const key = header(headers, 'x-dcc-api-key');
  const secret = header(headers, 'x-dcc-secret-key');
  if (!key !== !secret) {
    throw new GraphQLError('Send both X-Dcc-Api-Key and X-Dcc-Secret-Key, or neither', {
      extensions: { code: 'UNAUTHENTICATED', upstream: 'ENCODE', http: { status: 401 } },
    });
  }
  const own: Credentials = { encode: key && secret ? { key, secret } : null, gdcToken: header(headers, 'x-auth-token') };
  const lendOperator = policy.operatorScope === 'everyone' || (policy.operatorScope === 'authenticated' && authenticated);
  const defaults: Credentials = {
    encode: (lendOperator ? policy.operator.encode : null) ?? policy.sandbox.encode,
    gdcToken: (lendOperator ? policy.operator.gdcToken : null) ?? policy.sandbox.gdcToken,
  };
  const bringsOwn = own.encode !== null || own.gdcToken !== null;
  const fallback = !bringsOwn || policy.allowFallback;
  return {
    encode: own.encode ?? (fallback ? defaults.encode : null),
    gdcToken: own.gdcToken ?? (fallback ? defaults.gdcToken : null),
  };
}
