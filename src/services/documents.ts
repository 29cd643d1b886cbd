import { GraphQLError } from 'graphql';
import { DEFAULT_LIMITS, type QueryLimits } from '../config';
import { documentJsonLimits, JsonLimitError, JsonSyntaxError, parseBoundedJson } from '../http/bounded-json';
import { recordLimitRefusal } from '../metrics';
import type { ColumnLimitError } from '../rules/shared/columns';

export type DocumentFormat = 'json' | 'tsv' | 'csv';

export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });
}

/** The format the caller named, else the file extension, else a look at the text itself. */
export function detectFormat(text: string, filename?: string | null, given?: DocumentFormat | null): DocumentFormat {
  if (given) return given;
  const ext = filename?.toLowerCase().match(/\.(json|tsv|txt|csv)$/)?.[1];
  if (ext === 'json' || ext === 'csv' || ext === 'tsv') return ext;
  if (ext === 'txt') return 'tsv';
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  const header = trimmed.split(/\r?\n/, 1)[0] ?? '';
  return header.includes('\t') || !header.includes(',') ? 'tsv' : 'csv';
}

/** A document's shape refused by a limit (MAX_COLUMNS, MAX_JSON_KEYS, ...): LIMIT_EXCEEDED naming it. */
export function documentLimitError(err: ColumnLimitError | JsonLimitError, argument: string): GraphQLError {
  recordLimitRefusal(err.limit);
  return new GraphQLError(err.message, { extensions: { code: err instanceof JsonLimitError ? err.code : 'LIMIT_EXCEEDED', limit: err.limit, max: err.max, argument } });
}

/**
 * JSON text as a list of entities: one object or an array of objects, with a clear error otherwise.
 * Parsed under the JSON shape limits, yielding to the event loop as it goes (src/http/bounded-json.ts).
 */
export async function parseJsonEntities(text: string, argument = 'document', limits: QueryLimits = DEFAULT_LIMITS): Promise<Record<string, unknown>[]> {
  let value: unknown;
  try {
    value = await parseBoundedJson(text, documentJsonLimits(limits));
  } catch (err) {
    if (err instanceof JsonLimitError) {
      // Nesting keeps the wording it had (BAD_USER_INPUT): the parser and every walk recurse.
      if (err.limit === 'MAX_INPUT_DEPTH') throw badInput(`The ${argument} nests more than ${limits.inputDepth} levels deep (MAX_INPUT_DEPTH)`, argument);
      throw documentLimitError(err, argument);
    }
    if (err instanceof JsonSyntaxError) throw badInput(`The ${argument} is not valid JSON: ${err.message}`, argument);
    throw err;
  }
  const list = Array.isArray(value) ? value : [value];
  list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw badInput(`Entity ${i} of the ${argument} must be a JSON object, not ${Array.isArray(item) ? 'an array' : typeof item}`, argument);
    }
  });
  return list as Record<string, unknown>[];
}
