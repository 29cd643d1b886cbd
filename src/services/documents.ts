import { GraphQLError } from 'graphql';
import { parse } from 'csv-parse/sync';
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

/**
 * The line number of each entity a GDC TSV/CSV document yields, in order: data rows whose `type`
 * cell is empty are skipped by GDC, so they get no entity. Lets errors name the row.
 */
export function delimitedEntityRows(text: string, format: 'tsv' | 'csv'): number[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: format === 'tsv' ? '\t' : ',',
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (err) {
    throw badInput(`The ${format.toUpperCase()} document cannot be read: ${(err as Error).message}`, 'document');
  }
  if (!records.length) return [];
  const header = records[0].record.map((h) => h.trim().replace(/^\*/, ''));
  const typeColumn = header.indexOf('type');
  if (typeColumn < 0) throw badInput(`The ${format.toUpperCase()} header has no 'type' column`, 'document');
  return records.slice(1).flatMap((r) => (r.record[typeColumn]?.trim() ? [r.info.lines] : []));
}
