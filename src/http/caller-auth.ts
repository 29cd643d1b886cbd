import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gatewayKeyIdentity } from '../caller-key';
import { recordLimitRefusal } from '../metrics';
import { sendError } from './error-body';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Whether a presented key is one of `keys`, in time that depends neither on where a key differs
 * nor on which key matched: every key is compared, as equal-length digests.
 */
export function keyMatcher(keys: string[]): (presented: string) => boolean {
  const digests = keys.map(digest);
  return (presented) => {
    const d = digest(presented);
    let match = false;
    for (const k of digests) match = timingSafeEqual(k, d) || match;
    return match;
  };
}

/**
 * With GATEWAY_API_KEYS set, every request needs `Authorization: Bearer <key>` (401 otherwise).
 * Sets `res.locals.authenticated` for the credential policy (src/credentials.ts), and
 * `res.locals.gatewayKey` (gatewayKeyIdentity: a digest, never the key), who the caller is (src/caller-key.ts).
 */
export function callerAuth(keys: string[]) {
  const matches = keyMatcher(keys);
  return (req: IncomingMessage, res: ServerResponse & { locals: Record<string, unknown> }, next: (err?: unknown) => void) => {
    res.locals.authenticated = false;
    if (!keys.length) return next();
    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !matches(bearer)) {
      recordLimitRefusal('GATEWAY_API_KEYS');
      res.setHeader('www-authenticate', 'Bearer realm="submission-gateway"');
      return sendError(res, 401, keyRefusal(bearer), 'UNAUTHENTICATED');
    }
    res.locals.authenticated = true;
    // Which key, as a digest (never the key itself): rate limits count by it and jobs belong to it (src/caller-key.ts).
    res.locals.gatewayKey = gatewayKeyIdentity(bearer);
    next();
  };
}

/** What a caller without a valid gateway key is told (HTTP and WebSocket upgrades alike). */
export function keyRefusal(bearer: string | undefined | null): string {
  return bearer ? 'The bearer key is not one of GATEWAY_API_KEYS' : 'Send Authorization: Bearer <key> with a key from GATEWAY_API_KEYS';
}
