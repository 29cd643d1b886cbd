import { TimeSlices } from '../../time-slices';
import type { EntityErrorModel, EntityResultModel } from '../result';

/**
 * Where an entity error sits in a TSV/CSV document: its row (the entity's line) and the column
 * that holds what it is about, said first in its message (`Row 3, column 'tissue_type': …`), the
 * same way for GDC and ENCODE and for the gateway's own checks. JSON input has no row or column;
 * its messages name the property themselves.
 */

/** `Row 3, column 'x': ` / `Row 3: ` / `` (no row: JSON input). */
export function placePrefix(row: number | null, column: string | null): string {
  if (row === null) return '';
  return column ? `Row ${row}, column '${column}': ` : `Row ${row}: `;
}

/**
 * The column of `header` holding one of `keys`: the property itself, or a link's column
 * (`cases.submitter_id`, `cases.id#2` for the link `cases`). Null when the document has none of
 * them (a missing required property has no column).
 */
export function columnFor(keys: readonly string[], header: readonly string[] | null): string | null {
  if (!header || !keys.length) return null;
  const { names, firstLink } = indexOf(header);
  for (const key of keys) {
    const root = key.replace(/[.[].*$/, '');
    if (names.has(key)) return key;
    if (names.has(root)) return root;
    const link = firstLink.get(root);
    if (link !== undefined) return link;
  }
  return null;
}

interface HeaderIndex {
  names: Set<string>;
  /** For each link root (`cases`), the first column of that link (`cases.submitter_id`). */
  firstLink: Map<string, string>;
}

/**
 * A header's columns indexed once: looked up by scanning, a document of 100,000 columns whose one
 * row failed on each of them cost 10^10 comparisons.
 */
const indexes = new WeakMap<readonly string[], HeaderIndex>();

function indexOf(header: readonly string[]): HeaderIndex {
  let index = indexes.get(header);
  if (!index) {
    index = { names: new Set(header), firstLink: new Map() };
    for (const h of header) {
      const dot = h.indexOf('.');
      if (dot >= 0 && !index.firstLink.has(h.slice(0, dot))) index.firstLink.set(h.slice(0, dot), h);
    }
    indexes.set(header, index);
  }
  return index;
}

/**
 * Places one error at `row` (once: an error placed already, as the gateway's own TSV checks are
 * when they are found, is left as it is).
 */
export function placeError(error: EntityErrorModel, row: number | null, header: readonly string[] | null, columns?: Map<string, string | null>): void {
  if (error.row !== undefined) return;
  const column = row === null ? null : columnOf(error, header, columns);
  error.row = row;
  error.column = column;
  error.message = placePrefix(row, column) + error.message;
}

function columnOf(error: EntityErrorModel, header: readonly string[] | null, columns?: Map<string, string | null>): string | null {
  const keys = error.location ? [error.location, ...error.keys] : error.keys;
  if (!columns) return columnFor(keys, header);
  const signature = keys.join('\u0000');
  let column = columns.get(signature);
  if (column === undefined) columns.set(signature, (column = columnFor(keys, header)));
  return column;
}

/** Places every error of each entity at the entity's row (a document's errors mostly repeat a few keys: their columns are looked up once). */
export function placeEntityErrors(entities: readonly EntityResultModel[], header: readonly string[] | null): void {
  const columns = new Map<string, string | null>();
  for (const entity of entities) {
    for (const error of entity.errors) placeError(error, entity.row, header, columns);
  }
}

/**
 * placeEntityErrors for a whole GDC answer, giving the event loop back every few milliseconds: a
 * document of 20,000 failing rows held it ~170 ms in one piece.
 */
export async function placeAllEntityErrors(entities: readonly EntityResultModel[], header: readonly string[] | null): Promise<void> {
  const columns = new Map<string, string | null>();
  const slices = new TimeSlices();
  for (const entity of entities) {
    if (!entity.errors.length) continue;
    // Within an entity too: one row of 100,000 unknown columns has as many errors.
    for (const error of entity.errors) {
      await slices.pause();
      placeError(error, entity.row, header, columns);
    }
  }
}

/** An error found in a known cell: placed now (the gateway's TSV checks). */
export function placedError(error: EntityErrorModel, row: number | null, column: string | null): EntityErrorModel {
  return { ...error, row, column: row === null ? null : column, message: placePrefix(row, row === null ? null : column) + error.message };
}
