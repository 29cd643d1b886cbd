import { parse } from 'csv-parse';
import { JsonArraySplitter } from '../../../datasources/json-split';
import { DEFAULT_LIMITS } from '../../../config';
import { documentJsonLimits, JsonLimitError, parseBoundedJson } from '../../../http/bounded-json';
import { badInput, documentLimitError } from '../../documents';
import type { GdcDocument } from './source';
import { TimeSlices } from '../../../time-slices';

/** One data record of a TSV/CSV document and the line it starts on (the header is line 1). */
export interface DelimitedRecord {
  cells: string[];
  line: number;
}

/**
 * Python's csv reader (GDC's) ends a record at any of these. Named, not discovered: csv-parse's
 * discovery tests three encodings at every byte until the first line ends, seconds of blocked
 * event loop for a header of 100,000 columns.
 */
export const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * The records of a TSV/CSV document as they stream, parsed the way GDC reads them (the header's
 * cells trimmed and a template's leading `*` dropped by the caller). One record at a time: a
 * 200 MB document never becomes one string or one array.
 */
export async function* delimitedRecords(doc: GdcDocument): AsyncGenerator<DelimitedRecord> {
  for await (const { record, info } of delimitedParse(doc, true) as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // csv-parse counts the line a record ends on; a quoted cell may span several.
    yield { cells: record, line: info.lines - newlines(record) };
  }
}

/** The cells of each record, as delimitedRecords reads them, without their lines (csv-parse's `info` is an object a record: garbage where lines are not wanted). */
export function delimitedCells(doc: GdcDocument): AsyncGenerator<string[]> {
  return delimitedParse(doc, false) as AsyncGenerator<string[]>;
}

async function* delimitedParse(doc: GdcDocument, info: boolean): AsyncGenerator<unknown> {
  const source = doc.open();
  const parser = source.pipe(
    parse({
      delimiter: doc.format === 'csv' ? ',' : '\t',
      record_delimiter: RECORD_DELIMITERS,
      info,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }),
  );
  try {
    yield* parser;
  } catch (err) {
    throw badInput(`The ${doc.format.toUpperCase()} document cannot be read: ${(err as Error).message}`, 'document');
  } finally {
    source.destroy();
  }
}

function newlines(cells: string[]): number {
  let n = 0;
  for (const cell of cells) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) n++;
  return n;
}

/** The elements of a JSON document (an array, or one object) as JSON texts, one by one. */
export async function* jsonElements(doc: GdcDocument): AsyncGenerator<string> {
  const found: string[] = [];
  const splitter = new JsonArraySplitter((json) => found.push(json));
  const source = doc.open();
  try {
    for await (const chunk of source) {
      splitter.write(chunk as Buffer);
      yield* found.splice(0);
    }
    splitter.end();
  } catch (err) {
    throw badInput(`The document is not valid JSON: ${(err as Error).message}`, 'document');
  } finally {
    source.destroy();
  }
  yield* found.splice(0);
}

/** Header cells as GDC reads them: trimmed, without the template's `*` for required fields. */
export function headerNames(cells: string[]): string[] {
  return cells.map((h) => h.trim().replace(/^\*/, ''));
}

/** What one pass over a document tells: each entity's type (and line, for TSV/CSV), in order. */
export interface DocumentScan {
  count: number;
  /** Line of each entity in a TSV/CSV document; null for JSON. */
  rows: number[] | null;
  /** The header's columns of a TSV/CSV document (so errors name their column); null for JSON. */
  columns: string[] | null;
  /** Each entity's type, as an index into `types` ('' when it has none GDC could read). */
  typeIndex: number[];
  types: string[];
}

/**
 * One streaming pass: which entities the document yields, their types and lines. GDC skips TSV
 * rows whose `type` cell is empty, so they get no entity (and no line here either).
 */
export async function scanDocument(doc: GdcDocument): Promise<DocumentScan> {
  const types: string[] = [];
  const known = new Map<string, number>();
  const typeIndex: number[] = [];
  const indexOf = (type: string) => {
    let i = known.get(type);
    if (i === undefined) known.set(type, (i = types.push(type) - 1));
    return i;
  };
  if (doc.format === 'json') {
    for await (const json of jsonElements(doc)) typeIndex.push(indexOf(await typeOfJson(json, typeIndex.length)));
    return { count: typeIndex.length, rows: null, columns: null, typeIndex, types };
  }
  const rows: number[] = [];
  let columns: string[] = [];
  let typeColumn = -1;
  // Parsed records arrive as resolved promises: turns between them, so a 20,000-row scan is not one long wait for others.
  const slices = new TimeSlices();
  for await (const { cells, line } of delimitedRecords(doc)) {
    await slices.pause();
    if (typeColumn < 0) {
      columns = headerNames(cells);
      typeColumn = columns.indexOf('type');
      if (typeColumn < 0) throw badInput(`The ${doc.format.toUpperCase()} header has no 'type' column`, 'document');
      continue;
    }
    const type = cells[typeColumn]?.trim();
    if (!type) continue;
    rows.push(line);
    typeIndex.push(indexOf(type));
  }
  return { count: rows.length, rows, columns, typeIndex, types };
}

/** One entity of a JSON document, parsed under the JSON shape limits (one entity may be megabytes). */
async function parseEntity(json: string, index: number): Promise<unknown> {
  try {
    return await parseBoundedJson(json, ENTITY_LIMITS);
  } catch (err) {
    if (err instanceof JsonLimitError) throw documentLimitError(err, 'document');
    throw badInput(`Entity ${index} of the document is not valid JSON: ${(err as Error).message}`, 'document');
  }
}

const ENTITY_LIMITS = documentJsonLimits(DEFAULT_LIMITS);

async function typeOfJson(json: string, index: number): Promise<string> {
  const value = await parseEntity(json, index);
  const type = value && typeof value === 'object' && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : '';
}

/** What identifies an entity of a document: its type and submitter_id, or its id. */
export interface EntityKey {
  type: string;
  submitterId: string | null;
  id: string | null;
}

/** The keys of every entity of a document, in order (a streaming pass; used after a lost answer). */
export async function entityKeys(doc: GdcDocument): Promise<EntityKey[]> {
  const keys: EntityKey[] = [];
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  if (doc.format === 'json') {
    for await (const json of jsonElements(doc)) {
      const e = ((await parseEntity(json, keys.length)) ?? {}) as Record<string, unknown>;
      keys.push({ type: str(e.type) ?? '', submitterId: str(e.submitter_id), id: str(e.id) });
    }
    return keys;
  }
  let columns: { type: number; submitterId: number; id: number } | null = null;
  for await (const { cells } of delimitedRecords(doc)) {
    if (!columns) {
      const names = headerNames(cells);
      columns = { type: names.indexOf('type'), submitterId: names.indexOf('submitter_id'), id: names.indexOf('id') };
      continue;
    }
    const type = str(cells[columns.type]);
    if (type) keys.push({ type, submitterId: str(cells[columns.submitterId]), id: str(cells[columns.id]) });
  }
  return keys;
}
