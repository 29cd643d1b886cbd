import type { NextFunction, Request, Response } from 'express';
import type { GraphQLError } from 'graphql';
import { queryRefusals } from '../apollo/document-limits';
import type { QueryLimits } from '../config';
import { recordLimitRefusal } from '../metrics';
import { bracketDepth, jsonDeeperThan } from '../nesting';
import { bodyJsonLimits, checkJsonShape, JsonLimitError, parsedWithinLimits } from './bounded-json';
import { sendError, sendErrors } from './error-body';
import { getParams } from './get-params';
import { wantsEventStream } from './sse-subscriptions';

/**
 * Refuses, before Apollo parses anything, a query whose brackets nest deeper than selections
 * (MAX_DEPTH, each level `{` and `(`) plus literals (MAX_INPUT_DEPTH) could need, and variables
 * nested deeper than MAX_INPUT_DEPTH, and a body beyond the JSON shape limits (MAX_JSON_KEYS,
 * MAX_LIST_ITEMS, ...) that the bounded parser did not read, and a document beyond the document
 * limits (src/apollo/document-limits.ts), before any validation that could be quadratic in it.
 * Runs after the body parsers, for the query fast path (its guard) and Apollo alike.
 */
export function inputLimits(limits: QueryLimits) {
  const queryMax = 2 * limits.depth + limits.inputDepth;
  const shape = bodyJsonLimits(limits);
  return (req: Request, res: Response, next: NextFunction) => {
    // A GET's parameters read from the URL: the fast path runs this before express gives `req.query`.
    const source = (req.method === 'GET' ? getParams(req) : req.body) as Record<string, unknown> | undefined;
    if (!source || typeof source !== 'object') return next();
    const { query, variables } = source;
    if (typeof query === 'string' && bracketDepth(query, queryMax) > queryMax) {
      return refuse(res, `The query nests brackets more than ${queryMax} deep (2 × MAX_DEPTH=${limits.depth} + MAX_INPUT_DEPTH=${limits.inputDepth})`);
    }
    // A body the bounded parser read was held to MAX_INPUT_DEPTH (+2 for the envelope) as it was read:
    // walking its variables again cost tens of ms in one piece for an object of 40,000 keys.
    const deep =
      typeof variables === 'string'
        ? bracketDepth(variables, limits.inputDepth + 1) > limits.inputDepth + 1
        : !parsedWithinLimits(source) && jsonDeeperThan(variables, limits.inputDepth + 1);
    if (deep) return refuse(res, `The variables nest more than ${limits.inputDepth} levels deep (MAX_INPUT_DEPTH=${limits.inputDepth})`);
    // Bodies read by another parser (multipart operations) get the JSON shape limits here.
    try {
      checkJsonShape(source, shape);
    } catch (err) {
      if (!(err instanceof JsonLimitError)) throw err;
      recordLimitRefusal(err.limit);
      return sendError(res, 400, err.message, err.code, { limit: err.limit, max: err.max });
    }
    // An event stream answers its refusals as events: src/http/subscription-documents.ts runs the same limits first there.
    if (typeof query !== 'string' || wantsEventStream(req)) return next();
    const answer = (refusals: readonly GraphQLError[]) => {
      if (!refusals.length) return next();
      sendErrors(res, 400, refusals.map((e) => ({ message: e.message, ...(e.locations ? { locations: e.locations } : {}), extensions: e.extensions as Record<string, unknown> })));
    };
    // A large document is checked in slices (a promise); the usual small or known one at once.
    const refusals = queryRefusals(query, limits);
    if (refusals instanceof Promise) refusals.then(answer).catch(next);
    else answer(refusals);
  };
}

function refuse(res: Response, message: string): void {
  recordLimitRefusal('MAX_INPUT_DEPTH');
  sendError(res, 400, message, 'BAD_USER_INPUT', { limit: 'MAX_INPUT_DEPTH' });
}
