import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
}

/**
 * Who a request counts against (rate limits; reusable for quotas and logs): the gateway key it
 * proved, else the upstream credentials it brought (a fingerprint: never the secret itself), else
 * its address. Callers lent the operator's credentials bring none and count by address or key.
 */
export function callerKey(req: IncomingMessage, authenticated: boolean): string {
  if (authenticated) {
    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) return `key:${sha256(bearer)}`;
  }
  const own = [header(req, 'x-dcc-api-key'), header(req, 'x-dcc-secret-key'), header(req, 'x-auth-token')];
  if (own.some(Boolean)) return `credentials:${sha256(own.join('\n'))}`;
  return `address:${req.socket.remoteAddress ?? 'unknown'}`;
}
