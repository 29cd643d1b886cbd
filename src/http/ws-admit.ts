import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { gatewayKeyIdentity } from '../caller-key';
import type { CorsConfig } from '../config';
import { callerCredentials, type CredentialPolicy } from '../credentials';
import type { Lifecycle } from '../lifecycle';
import { recordLimitRefusal } from '../metrics';
import type { RequestLocals } from '../context';
import { keyMatcher, keyRefusal } from './caller-auth';
import { hostOriginRefusal } from './host-origin';

export interface WsAdmitOptions {
  apiKeys: string[];
  callers: { checkHost: boolean; allowedHosts: string[]; cors: CorsConfig };
  lifecycle: Lifecycle;
}

function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '')?.[1];
}

/**
 * The checks HTTP runs in front of /graphql (src/http/host-origin.ts, src/http/caller-auth.ts),
 * on a WebSocket upgrade request, through the same predicates: a refusal is answered before the
 * socket is upgraded. A browser's WebSocket sends no CORS preflight, so Origin is the only guard
 * against another site opening a socket with the user's ambient access (issue 18).
 */
export function wsAdmit(options: WsAdmitOptions) {
  const matches = keyMatcher(options.apiKeys);
  return (req: IncomingMessage): { status: number; reason: string } | null => {
    if (options.lifecycle.state === 'stopping') return { status: 503, reason: 'The gateway is shutting down' };
    const refusal = hostOriginRefusal(req, options.callers);
    if (refusal) {
      recordLimitRefusal(refusal.limit);
      return { status: 403, reason: refusal.reason };
    }
    if (options.apiKeys.length) {
      const bearer = bearerOf(req.headers);
      if (!bearer || !matches(bearer)) {
        recordLimitRefusal('GATEWAY_API_KEYS');
        return { status: 401, reason: keyRefusal(bearer) };
      }
    }
    return null;
  };
}

/** The credential headers connection_init may carry (a browser's WebSocket cannot set headers). */
const PAYLOAD_HEADERS = ['x-dcc-api-key', 'x-dcc-secret-key', 'x-auth-token'];

/**
 * What the HTTP middleware puts in res.locals for the context factory, for a subscription: the
 * upgrade request's headers, with credential headers from connection_init's payload over them
 * (names case-insensitive). The gateway key is the upgrade's own (admitted by wsAdmit).
 */
export function wsLocals(req: IncomingMessage, payload: Record<string, unknown> | undefined, policy: CredentialPolicy, apiKeys: string[]): RequestLocals {
  const headers: IncomingHttpHeaders = { ...req.headers };
  for (const [name, value] of Object.entries(payload ?? {})) {
    const lower = name.toLowerCase();
    if (PAYLOAD_HEADERS.includes(lower) && typeof value === 'string') headers[lower] = value;
  }
  const bearer = apiKeys.length ? bearerOf(req.headers) : undefined;
  const locals: RequestLocals = { credentials: callerCredentials(headers, policy, bearer !== undefined), requestId: String(req.headers['x-request-id'] ?? '') };
  if (bearer) locals.gatewayKey = gatewayKeyIdentity(bearer);
  return locals;
}
