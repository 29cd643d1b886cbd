import { castCells } from '../../rules/encode/cast';
import type { TypeInfo } from '../../rules/encode/profiles';
import { DEFAULT_LIMITS, type QueryLimits } from '../../config';
import { ColumnLimitError, parseTsvInTurns, RECORD_ID, TsvHeaderError } from '../../rules/encode/tsv';
import { TimeSlices } from '../../time-slices';
import { badInput, documentLimitError, parseJsonEntities } from '../documents';
import type { EntityErrorCode } from '../errors/codes';
import { placedError } from '../errors/place';
import { type EntityErrorModel, entityError } from '../result';
import type { SubmissionDocument } from '../submission-document';

/** One input record before casting: JSON as given, or a TSV row's cells. */
export interface RawRecord {
  index: number;
  /** TSV line (header = 1); null for JSON. */
  row: number | null;
  json: Record<string, unknown> | null;
  cells: [string, string][] | null;
  /** The TSV header's property names (the same list for every row); null for JSON. */
  columns: readonly string[] | null;
  errors: EntityErrorModel[];
}

/** One input record ready to prepare: cast to its profile's types, with the problems found so far. */
export interface InputRecord {
  index: number;
  row: number | null;
  /** A copy of the caller's record, the preparer's to change (prepare.ts does not copy it again). */
  record: Record<string, unknown>;
  errors: EntityErrorModel[];
}

/** The records of a document, JSON (not cast: JSON has types) or TSV (eu_register's format). */
export async function readRawRecords(doc: SubmissionDocument, limits: QueryLimits = DEFAULT_LIMITS): Promise<RawRecord[]> {
  if (doc.format === 'csv') {
    throw badInput('ENCODE input is JSON or tab-separated (TSV), as eu_register reads it; this document looks comma-separated', 'format');
  }
  if (doc.format === 'json') {
    const records = doc.entities ?? (await parseJsonEntities(doc.text as string, doc.filename ? 'file' : 'document', limits));
    return records.map((json, index) => ({ index, row: null, json, cells: null, columns: null, errors: [] }));
  }
  let table;
  try {
    const slices = new TimeSlices();
    table = await parseTsvInTurns(doc.text as string, limits.columns, () => slices.pause());
  } catch (err) {
    if (err instanceof TsvHeaderError) throw badInput(`The TSV cannot be read: ${err.message}`, doc.filename ? 'file' : 'document');
    if (err instanceof ColumnLimitError) throw documentLimitError(err, doc.filename ? 'file' : 'document');
    throw err;
  }
  if (!table.rows.length) throw badInput('The TSV has a header but no records', doc.filename ? 'file' : 'document');
  const columns = table.header.filter((h) => h && !h.startsWith('#'));
  return table.rows.map((r, index) => ({
    index,
    row: r.line,
    json: null,
    cells: r.cells,
    columns,
    errors: r.problems.map((p) => rowError(r.line, p.column, 'INVALID_VALUE', p.message)),
  }));
}

/** Casts a TSV row to the profile (JSON records pass as they are). */
export function castRecord(raw: RawRecord, info: TypeInfo, allowRecordId: boolean): InputRecord {
  if (raw.json) return { index: raw.index, row: raw.row, record: copyRecord(raw.json), errors: [...raw.errors] };
  const { record, problems } = castCells(raw.cells ?? [], info.schema, allowRecordId, info.itemType);
  const errors = [...raw.errors, ...problems.map((p) => rowError(raw.row, p.column, p.type, p.message))];
  return { index: raw.index, row: raw.row, record, errors };
}

/**
 * A shallow copy, as `{ ...record }` makes it but in about half the time for an object of many
 * keys (40,000 keys: ~40 ms spread in one piece); `__proto__` stays a key, as JSON.parse made it.
 */
function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === '__proto__') Object.defineProperty(out, key, { value: record[key], enumerable: true, writable: true, configurable: true });
    else out[key] = record[key];
  }
  return out;
}

/** The identifier a patch names its record by (`record_id`), as a string. */
export function recordIdOf(raw: RawRecord): string | null {
  const value = raw.json ? raw.json[RECORD_ID] : raw.cells?.find(([c]) => c === RECORD_ID)?.[1];
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** An error the gateway found in one cell: placed at its row and column of a TSV at once (JSON has `keys`). */
export function rowError(row: number | null, column: string | null, type: EntityErrorCode, message: string): EntityErrorModel {
  return placedError(entityError(type, message, column ? [column] : [], column), row, column);
}
