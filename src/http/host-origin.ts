import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { CorsConfig } from '../config';
import { recordLimitRefusal } from '../metrics';
import { sendError } from './error-body';
import type { NodeMiddleware } from './front-door';

export interface HostOriginOptions {
  /** Check `Host` (the gateway listens on loopback without GATEWAY_API_KEYS: it lends the operator's credentials). */
  checkHost: boolean;
  /** ALLOWED_HOSTS, lower case: names accepted besides loopback ones (a port, if given, must match too). */
  allowedHosts: string[];
  cors: CorsConfig;
  /** Requests any origin may make: GET of the GraphiQL page (a static page, no data). */
  openToAnyOrigin: (req: IncomingMessage) => boolean;
}

/** The host name of a `Host` header, lower case, without port or IPv6 brackets. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x): names no DNS answer can point elsewhere. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name === 'localhost.') return true;
  const kind = isIP(name);
  if (kind === 4) return name.startsWith('127.');
  if (kind === 6) return name === '::1' || /^::ffff:127\./.test(name) || /^(0+:){7}0*1$/.test(name);
  return false;
}

/** Whether a `Host` header may reach a loopback gateway that lends the operator's credentials. */
export function hostAllowed(host: string | undefined, allowedHosts: string[]): boolean {
  // HTTP/1.0 clients may send none; a browser (the DNS rebinding case) always does.
  if (host === undefined) return true;
  const lower = host.trim().toLowerCase();
  const name = hostName(lower);
  return isLoopbackName(name) || allowedHosts.includes(lower) || allowedHosts.includes(name);
}

/** Whether a request's `Origin` may call: same origin, or one CORS_ORIGINS names (or `*`). */
export function originAllowed(req: IncomingMessage, cors: CorsConfig): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  if (req.headers.host && origin.toLowerCase() === `${scheme}://${req.headers.host.toLowerCase()}`) return true;
  return cors.origins.includes('*') || cors.origins.includes(origin.toLowerCase());
}

/**
 * DNS rebinding and cross-site requests (issue 18). A page on attacker.example that resolves its
 * name to 127.0.0.1 reaches a loopback gateway with its own name in `Host`: in the default mode
 * (loopback, no keys) that gateway lends the operator's credentials, so only loopback names (and
 * ALLOWED_HOSTS) are served. And whatever the mode, a browser request from another site (its
 * `Origin`) is refused unless CORS_ORIGINS names it, except GET of the GraphiQL page.
 */
/**
 * Why a request (or a WebSocket upgrade) may not be served from its Host or Origin; null when it may.
 * The one rule for both: the middleware below and src/http/ws-admit.ts.
 */
export function hostOriginRefusal(
  req: IncomingMessage,
  options: Pick<HostOriginOptions, 'checkHost' | 'allowedHosts' | 'cors'>,
  openToAnyOrigin: (req: IncomingMessage) => boolean = () => false,
): { limit: 'ALLOWED_HOSTS' | 'CORS_ORIGINS'; reason: string } | null {
  if (options.checkHost && !hostAllowed(req.headers.host, options.allowedHosts)) {
    return { limit: 'ALLOWED_HOSTS', reason: `Host '${req.headers.host}' is not served here: this gateway answers loopback names only (add it to ALLOWED_HOSTS to allow it)` };
  }
  if (!originAllowed(req, options.cors) && !openToAnyOrigin(req)) {
    return { limit: 'CORS_ORIGINS', reason: `Origin '${req.headers.origin}' may not call this gateway (add it to CORS_ORIGINS to allow it)` };
  }
  return null;
}

export function hostOrigin(options: HostOriginOptions): NodeMiddleware {
  return (req, res, next) => {
    const refusal = hostOriginRefusal(req, options, options.openToAnyOrigin);
    if (!refusal) return next();
    recordLimitRefusal(refusal.limit);
    return sendError(res, 403, refusal.reason, 'FORBIDDEN', { limit: refusal.limit });
  };
}
