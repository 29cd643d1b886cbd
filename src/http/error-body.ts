import type { Response } from 'express';

/**
 * A GraphQL-style error answer for what the gateway refuses before Apollo runs (auth, bodies,
 * limits, shutdown): JSON in the shape every GraphQL client reads, with a code, the request id
 * and `extensions.upstreamCalls` (none were made), never HTML or a stack.
 */
export function sendError(
  res: Response,
  status: number,
  message: string,
  code: string,
  extensions: Record<string, unknown> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const requestId = res.getHeader('x-request-id');
  res.status(status).json({
    errors: [{ message, extensions: { code, ...extensions, ...(requestId ? { requestId: String(requestId) } : {}) } }],
    extensions: { upstreamCalls: { ENCODE: 0, GDC: 0 } },
  });
}
