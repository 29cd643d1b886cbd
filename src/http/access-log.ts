import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { recordHttpResponse } from '../metrics';

/** A caller's X-Request-Id is kept when it looks like an id; anything else gets a fresh uuid. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

type Locals = { locals?: { operationName?: string } };

/** The path as the client sent it (express rewrites `req.url` under a mount point), without the query. */
function pathOf(req: IncomingMessage & { originalUrl?: string }): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0].slice(0, 200);
}

/**
 * One access log line per request: request id (also the X-Request-Id response header and
 * `extensions.requestId` of errors), method, path, GraphQL operation name, status and ms. Headers
 * are not logged at all, so no credential can reach the log.
 */
export function accessLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestId,
    customProps: (_req, res) => {
      const operation = (res as ServerResponse & Locals).locals?.operationName;
      return operation ? { operation } : {};
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res, ms) => {
      recordHttpResponse(res.statusCode);
      return `${req.method} ${pathOf(req)} ${res.statusCode} ${ms} ms`;
    },
    customErrorMessage: (req, res) => {
      recordHttpResponse(res.statusCode);
      return `${req.method} ${pathOf(req)} ${res.statusCode}`;
    },
    customAttributeKeys: { responseTime: 'ms' },
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: String(req.url ?? '').split('?')[0].slice(0, 200),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  });
}
