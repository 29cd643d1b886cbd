import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SourceLocation } from 'graphql';

/** Whether the request has a body that has not been read to its end. */
function bodyUnread(req: IncomingMessage | undefined): boolean {
  if (!req || req.readableEnded) return false;
  const length = req.headers['content-length'];
  return length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
}

/**
 * A GraphQL-style error answer for what the gateway refuses before Apollo runs (auth, bodies,
 * limits, shutdown): JSON in the shape every GraphQL client reads, with a code, the request id
 * and `extensions.upstreamCalls` (none were made), never HTML or a stack.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code: string,
  extensions: Record<string, unknown> = {},
): void {
  sendErrors(res, status, [{ message, extensions: { code, ...extensions } }]);
}

/** As sendError, with every error found (document limits: each limit a document exceeds). */
export function sendErrors(res: ServerResponse, status: number, errors: { message: string; locations?: readonly SourceLocation[]; extensions: Record<string, unknown> }[]): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const requestId = res.getHeader('x-request-id');
  const body = JSON.stringify({
    errors: errors.map(({ message, locations, extensions }) => ({ message, ...(locations ? { locations } : {}), extensions: { ...extensions, ...(requestId ? { requestId: String(requestId) } : {}) } })),
    extensions: { upstreamCalls: { ENCODE: 0, GDC: 0 } },
  });
  // node:http alone (no express helpers): the query front door answers before express runs.
  res.statusCode = status;
  if (bodyUnread(res.req)) {
    // Refused before (or while) its body arrives (401, 413, 415, 429, 503): the connection closes
    // once this answer is out, without reading the rest: a client that declared 200 MB or trickles
    // its body holds nothing here.
    res.setHeader('connection', 'close');
  }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
