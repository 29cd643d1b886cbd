import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from '../config';
import { addVary } from './vary';

/** The methods the API answers: GET (GraphiQL, APQ reads) and POST. */
export const CORS_METHODS = 'GET, POST';
/** Every request header a browser client of this API sends beyond the CORS-safelisted ones. */
export const CORS_REQUEST_HEADERS = [
  'content-type',
  'authorization',
  'x-dcc-api-key',
  'x-dcc-secret-key',
  'x-auth-token',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'traceparent',
].join(', ');
/** What scripts on an allowed origin may read beyond the safelisted response headers. */
export const CORS_EXPOSED_HEADERS = 'x-request-id';
/** Seconds a browser may reuse a preflight: Chromium's own cap (Firefox allows a day). */
export const CORS_MAX_AGE_SECONDS = 7200;

/** Whether this origin may read answers (exact match; `*` stands for any, and only without credentials). */
export function originAllowed(cors: CorsConfig, origin: string | undefined): boolean {
  if (!origin) return false;
  return cors.origins.includes(origin) || (cors.origins.includes('*') && !cors.credentials);
}

/**
 * One CORS rule for the front door and the express app alike (run once per request through
 * oncePerRequestSteps). An allowed origin gets its CORS headers on every answer, refusals included,
 * so a browser app can read why it was refused; a preflight (OPTIONS with
 * Access-Control-Request-Method) is answered here with 204, before caller auth (browsers send
 * no credentials on a preflight). An origin not listed gets no CORS headers at all, so the
 * browser refuses to hand it the answer. Apollo's CSRF prevention stays as it is: it refuses
 * requests a browser would send without a preflight, and the preflight is what this rule governs.
 */
export function corsRule(cors: CorsConfig) {
  const wildcard = cors.origins.includes('*') && !cors.credentials;
  const listed = cors.origins.length > 0;
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    // Which origin the answer was for must be part of any cache's key, unless every origin gets the same.
    if (listed && !wildcard) addVary(res, 'Origin');
    if (!originAllowed(cors, origin)) {
      if (!preflight) return next();
      // No CORS headers: the browser stops here and reports the refusal to the page.
      res.statusCode = 204;
      res.setHeader('content-length', 0);
      return void res.end();
    }
    res.setHeader('access-control-allow-origin', wildcard ? '*' : origin!);
    if (cors.credentials) res.setHeader('access-control-allow-credentials', 'true');
    if (!preflight) {
      res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS);
      return next();
    }
    res.setHeader('access-control-allow-methods', CORS_METHODS);
    res.setHeader('access-control-allow-headers', CORS_REQUEST_HEADERS);
    res.setHeader('access-control-max-age', CORS_MAX_AGE_SECONDS);
    res.statusCode = 204;
    res.setHeader('content-length', 0);
    res.end();
  };
}
