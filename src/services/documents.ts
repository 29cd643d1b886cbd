import { GraphQLError } from 'graphql';
import { DEFAULT_LIMITS } from '../config';
import { jsonDeeperThan } from '../nesting';

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

/** JSON text as a list of entities: one object or an array of objects, with a clear error otherwise. */
export function parseJsonEntities(text: string, argument = 'document'): Record<string, unknown>[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badInput(`The ${argument} is not valid JSON: ${(err as Error).message}`, argument);
  }
  if (jsonDeeperThan(value, DEFAULT_LIMITS.inputDepth)) {
    throw badInput(`The ${argument} nests more than ${DEFAULT_LIMITS.inputDepth} levels deep (MAX_INPUT_DEPTH)`, argument);
  }
  const list = Array.isArray(value) ? value : [value];
  list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw badInput(`Entity ${i} of the ${argument} must be a JSON object, not ${Array.isArray(item) ? 'an array' : typeof item}`, argument);
    }
  });
  return list as Record<string, unknown>[];
}
