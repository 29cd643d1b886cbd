import type { IncomingMessage } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';

/**
 * A GET's query-string parameters as the URL now has them (the persisted-operations step may have
 * written a resolved query into it), parsed as express's default ("simple") query parser does, so
 * the query fast path, the input limits and Apollo (which reads express's `req.query`) see the
 * same values, a repeated name as a list.
 */
export function getParams(req: IncomingMessage): ParsedUrlQuery {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? {} : parse(url.slice(q + 1));
}
