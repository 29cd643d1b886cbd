import type { TracingLocals } from '../plugins/tracing';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AccessLogMode } from '../config';
import { recordHttpResponse } from '../metrics';
import { type ClientAddress, clientAddressRule } from './client-address';

/** A caller's X-Request-Id is kept when it looks like an id; anything else gets a fresh uuid. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

type Locals = { locals?: { operationName?: string; operationType?: string; upstreamCalls?: Record<string, number> } & TracingLocals };

/**
 * One access log line per request: request id (also the X-Request-Id response header and
 * `extensions.requestId` of errors), method, path, GraphQL operation name and type, calls sent to
 * each upstream (`{ ENCODE: n, GDC: m }`), status, ms and bytes
 * sent. Headers are not logged at all, so no credential can reach the log. ACCESS_LOG picks which
 * requests get a line (`all`, `errors`: status 400 and up or aborted, `off`); the request id and
 * the response metrics are kept whatever the mode.
 *
 * The one seam both execution paths take: it is the first step of the front door (query fast path)
 * and of the express app (Apollo), run once per request whichever reaches it first.
 *
 * Written out rather than through pino-http, which builds a child logger and serialisers for every
 * request: measured in `npm run bench`, that was a sixth of the gateway's own latency per lookup.
 */
export function accessLog(logger: Logger, mode: AccessLogMode = 'all', clientAddress: ClientAddress = clientAddressRule(null)) {
  return (req: IncomingMessage & { id?: string }, res: ServerResponse & Locals, next: () => void): void => {
    const started = Date.now();
    const id = requestId(req, res);
    req.id = id;
    // The path as the client sent it, before express rewrites `req.url` under a mount point.
    const path = (req.url ?? '').split('?')[0].slice(0, 200);
    // Read now: a socket already closed when the line is written no longer knows its peer.
    const remoteAddress = clientAddress(req);
    const method = req.method ?? '';
    // Keep-alive sockets carry many requests: what this one sent is the growth while it ran (headers included).
    const sentBefore = req.socket?.bytesWritten ?? 0;
    let logged = false;
    const done = (aborted: boolean) => {
      if (logged) return;
      logged = true;
      const status = res.statusCode;
      recordHttpResponse(status);
      if (mode === 'off' || (mode === 'errors' && status < 400 && !aborted)) return;
      const operation = res.locals?.operationName;
      const operationType = res.locals?.operationType;
      const upstreamCalls = res.locals?.upstreamCalls;
      // With tracing on, the line names the trace the request's spans are in.
      const traceId = res.locals?.trace?.traceId;
      const entry = {
        req: { id, method, path, remoteAddress },
        res: { status },
        ...(operation ? { operation } : {}),
        ...(operationType ? { operationType } : {}),
        ...(upstreamCalls ? { upstreamCalls } : {}),
        ...(traceId ? { traceId } : {}),
        ms: Date.now() - started,
        bytes: (req.socket?.bytesWritten ?? sentBefore) - sentBefore,
      };
      if (status >= 500) logger.error(entry, `${method} ${path} ${status}`);
      // The caller went away before the answer (a timeout, a cancelled request): worth seeing, not a fault here.
      // Info, not warn: a client may hang up at will (issue 18 counted 312 error lines from aborts).
      else if (aborted) logger.info({ ...entry, aborted: true }, `${method} ${path}: the client closed the connection before the answer`);
      else logger.info(entry, `${method} ${path} ${status} ${entry.ms} ms`);
    };
    res.once('finish', () => done(false));
    res.once('close', () => done(!res.writableFinished));
    next();
  };
}
