import type { NextFunction, Request, Response } from 'express';
import type { QueryLimits } from '../config';
import { recordLimitRefusal } from '../metrics';
import { sendError } from './error-body';

/**
 * Deepest bracket nesting of GraphQL or JSON text, strings and comments skipped; stops counting
 * once past `stopAt`. The parser and every later walk over the input recurse, so nesting must be
 * refused before them ("Maximum call stack size exceeded" is not an answer).
 */
export function bracketDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end < 0 ? text.length : end + 2;
      } else {
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > max) max = depth;
      if (max > stopAt) return max;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return max;
}

/** Whether a parsed JSON value nests deeper than `max` (walked without recursion). */
export function jsonDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/**
 * Refuses, before Apollo parses anything, a query whose brackets nest deeper than selections
 * (MAX_DEPTH, each level `{` and `(`) plus literals (MAX_INPUT_DEPTH) could need, and variables
 * nested deeper than MAX_INPUT_DEPTH. Runs after the JSON and multipart body parsers.
 */
export function inputLimits(limits: QueryLimits) {
  const queryMax = 2 * limits.depth + limits.inputDepth;
  return (req: Request, res: Response, next: NextFunction) => {
    const source = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
    if (!source || typeof source !== 'object') return next();
    const { query, variables } = source;
    if (typeof query === 'string' && bracketDepth(query, queryMax) > queryMax) {
      return refuse(res, `The query nests brackets more than ${queryMax} deep (2 × MAX_DEPTH=${limits.depth} + MAX_INPUT_DEPTH=${limits.inputDepth})`);
    }
    const deep =
      typeof variables === 'string' ? bracketDepth(variables, limits.inputDepth + 1) > limits.inputDepth + 1 : jsonDeeperThan(variables, limits.inputDepth + 1);
    if (deep) return refuse(res, `The variables nest more than ${limits.inputDepth} levels deep (MAX_INPUT_DEPTH=${limits.inputDepth})`);
    next();
  };
}

function refuse(res: Response, message: string): void {
  recordLimitRefusal('MAX_INPUT_DEPTH');
  sendError(res, 400, message, 'BAD_USER_INPUT', { limit: 'MAX_INPUT_DEPTH' });
}
