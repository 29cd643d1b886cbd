import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { userError } from '../errors';
import { pyRepr } from '../../../rules/shared/pyrepr';
import { DelimitedParseError, parseDelimited } from './delimited';
import { JsonParseError, parseJsonStrict } from './json';

export type DocFormat = 'json' | 'tsv' | 'csv';

/** sheepdog's content-type dispatch: CSV and the two TSV types by name, everything else is JSON. */
export function formatOf(contentType: string | undefined): DocFormat {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'text/tsv' || type === 'text/tab-separated-values') return 'tsv';
  return 'json';
}

/** The body as a list of entity documents, or the 400 GDC answers for a body it cannot read (a TSV/CSV record of more than `maxColumns` cells is one). */
export function parseBody(body: string, format: DocFormat, dictionary: Dictionary, name: string | null, maxColumns?: number): unknown[] {
  if (format === 'json') {
    try {
      const parsed = parseJsonStrict(body);
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch (err) {
      if (err instanceof JsonParseError) throw userError(`Unable to parse json: ${err.message}`);
      throw err;
    }
  }
  try {
    return parseDelimited(body, format === 'tsv' ? '\t' : ',', dictionary, maxColumns);
  } catch (err) {
    const problems = err instanceof DelimitedParseError ? err.problems : [(err as Error).message];
    throw userError(`Unable to parse doc '${name ?? 'None'}': ${pyRepr(problems)}`);
  }
}
