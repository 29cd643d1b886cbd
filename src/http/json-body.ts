import express, { type NextFunction, type Request, type Response } from 'express';
import { type JsonLimits, JsonSyntaxError, parseBoundedJson } from './bounded-json';

/**
 * express.json, with the body parsed under the shape limits (src/http/bounded-json.ts) instead of
 * JSON.parse: body-parser reads, decodes the charset and inflates as before, then the text is
 * parsed in slices. Refusals go on to the error handler (src/http/body-errors.ts). A body the
 * query front door already read and parsed is left as it is.
 */
export function jsonBody(limits: JsonLimits, maxBytes: number) {
  const read = express.text({ type: 'application/json', limit: maxBytes });
  const parse = (req: Request, _res: Response, next: NextFunction): void => {
    if (typeof req.body !== 'string' || !req.is('application/json')) return next();
    const text = req.body;
    // body-parser's strict JSON: an object or an array, nothing else.
    const first = /\S/.exec(text)?.[0];
    if (first !== '{' && first !== '[') return next(parseFailed(`Unexpected token ${first ?? 'end of input'}: not a JSON object or array`));
    parseBoundedJson(text, limits).then(
      (body) => {
        req.body = body;
        next();
      },
      (err: unknown) => next(err instanceof JsonSyntaxError ? parseFailed(err.message) : err),
    );
  };
  return [read, parse];
}

function parseFailed(message: string): Error {
  return Object.assign(new Error(message), { status: 400, statusCode: 400, type: 'entity.parse.failed', expose: true });
}
