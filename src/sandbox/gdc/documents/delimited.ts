import { parse } from 'csv-parse/sync';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { checkColumns, DEFAULT_MAX_COLUMNS } from '../../../rules/shared/columns';

export class DelimitedParseError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/**
 * TSV/CSV → entity documents by the [GDC] rules (sheepdog d46a49f transforms): header cells trimmed and
 * a leading `*` dropped; rows without `type` skipped; `link.key` columns are links, and `link.key#N`
 * columns sharing N form one link object each; `|` separates array items; empty cells are dropped;
 * `null` is null; everything else is coerced by the property's type in the dictionary.
 */
export function parseDelimited(text: string, delimiter: '\t' | ',', dictionary: Dictionary, maxColumns = DEFAULT_MAX_COLUMNS): Record<string, unknown>[] {
  let rows: string[][];
  try {
    // Cells are counted before csv-parse builds a row of them (a line of 1,000,000 cells took GBs).
    checkColumns(text, delimiter, maxColumns, true, delimiter === ',' ? 'CSV' : 'TSV');
    rows = parse(text, { delimiter, bom: true, relax_quotes: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new DelimitedParseError([(err as Error).message]);
  }
  if (!rows.length) return [];
  const header = rows[0].map((h) => h.trim().replace(/^\*/, ''));
  const problems: string[] = [];
  const docs: Record<string, unknown>[] = [];
  rows.slice(1).forEach((row, index) => {
    if (row.length > header.length && row.slice(header.length).some((c) => c.trim() !== '')) {
      problems.push(`row ${index + 2} has ${row.length} cells but the header has ${header.length}`);
      return;
    }
    const cells: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h) cells[h] = (row[i] ?? '').trim();
    });
    if (!cells.type) return;
    docs.push(rowToDocument(cells, dictionary));
  });
  if (problems.length) throw new DelimitedParseError(problems);
  return docs;
}

export function rowToDocument(cells: Record<string, string>, dictionary: Dictionary): Record<string, unknown> {
  const type = cells.type;
  const doc: Record<string, unknown> = {};
  const links = new Map<string, Map<string, Record<string, unknown>>>();
  for (const [key, raw] of Object.entries(cells)) {
    if (raw === '') continue;
    if (key.includes('.')) {
      const [name, rest] = splitOnce(key, '.');
      const [prop, group = ''] = splitOnce(rest ?? '', '#');
      if (raw === 'null') continue;
      const groups = links.get(name) ?? new Map<string, Record<string, unknown>>();
      links.set(name, groups);
      const obj = groups.get(group) ?? {};
      groups.set(group, obj);
      obj[prop] = raw;
      continue;
    }
    doc[key] = key === 'type' ? raw : coerce(raw, type, key, dictionary);
  }
  for (const [name, groups] of links) {
    const objs = [...groups.values()];
    doc[name] = objs.length === 1 ? objs[0] : objs;
  }
  return doc;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Cast a cell as gdcdatamodel's Python types would; a value that does not fit passes through as text. */
export function coerce(raw: string, type: string, property: string, dictionary: Dictionary): unknown {
  if (raw === 'null') return null;
  const kind = dictionary.propertyKind(type, property);
  if (kind === 'list') return raw.split('|').map((item) => castScalar(item.trim(), dictionary.itemKind(type, property)));
  return castScalar(raw, kind ?? 'str');
}

export function castScalar(raw: string, kind: string): unknown {
  switch (kind) {
    case 'bool': {
      const lower = raw.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : raw;
    }
    case 'int':
      return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
    case 'float': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return raw;
      return Number(raw);
    }
    default:
      return raw;
  }
}
