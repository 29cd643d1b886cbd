import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { recordLimitRefusal } from '../metrics';
import { JsonLimitError } from './bounded-json';
import { sendError } from './error-body';

interface HttpishError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/**
 * The last express handler: body-parser and multipart failures (invalid JSON, `null`, too large,
 * bad multipart) and anything unexpected answer GraphQL-style JSON with a code, in every NODE_ENV;
 * never express's HTML page, never a stack or a path.
 */
export function bodyErrors(logger: Logger, maxBodyBytes: number) {
  return (err: HttpishError, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof JsonLimitError) {
      recordLimitRefusal(err.limit);
      return sendError(res, 400, err.message, err.code, { limit: err.limit, max: err.max });
    }
    const status = err.status ?? err.statusCode ?? 500;
    if (err.type === 'entity.parse.failed') {
      return sendError(res, 400, `The request body must be a JSON object (a GraphQL request): ${err.message}`, 'BAD_REQUEST');
    }
    if (err.type === 'entity.too.large' || status === 413) {
      recordLimitRefusal('MAX_UPLOAD_BYTES');
      return sendError(res, 413, `The request body is larger than ${maxBodyBytes} bytes (MAX_UPLOAD_BYTES=${maxBodyBytes})`, 'PAYLOAD_TOO_LARGE', {
        limit: 'MAX_UPLOAD_BYTES',
        max: maxBodyBytes,
      });
    }
    if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported') {
      return sendError(res, 415, err.message, 'UNSUPPORTED_MEDIA_TYPE');
    }
    if (status >= 400 && status < 500) {
      // Multipart errors from graphql-upload-minimal and busboy are written for the client.
      const message = err.expose === false ? 'The request cannot be read' : err.message;
      return sendError(res, status, message, 'BAD_REQUEST');
    }
    logger.error({ err, url: req.originalUrl ?? req.url }, 'unexpected error outside GraphQL');
    sendError(res, 500, `Internal error; quote request id ${String(res.getHeader('x-request-id') ?? '')} when reporting it`, 'INTERNAL_SERVER_ERROR');
  };
}

/** Unknown paths answer JSON too. */
export function notFound(req: Request, res: Response): void {
  sendError(res, 404, `No such endpoint: ${req.method} ${req.path}. GraphQL is at /graphql`, 'NOT_FOUND');
}
