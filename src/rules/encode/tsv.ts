/**
 * eu_register's tab-delimited input: a header of property names on line 1; `#` columns skipped;
 * `#` lines and blank lines skipped; cells trimmed and empty cells omitted. Unlike encode_utils,
 * CRLF and a byte-order mark work, and a row with too many cells is an error for that row only.
 * Cells are not unquoted: a TSV cell is its text (`5' end` keeps its quote).
 */

/** The column a patch row names its target in; not a profile property. */
export const RECORD_ID = 'record_id';

export interface TsvProblem {
  /** The column the problem is in, when there is one. */
  column: string | null;
  message: string;
}

export interface TsvRow {
  /** Line number in the document; the header is line 1. */
  line: number;
  /** Non-empty cells, trimmed, in column order (skipped `#` columns left out). */
  cells: [column: string, value: string][];
  problems: TsvProblem[];
}

export interface TsvDocument {
  /** Header names in order; `#` columns included, as written (trimmed). */
  header: string[];
  rows: TsvRow[];
}

export class TsvHeaderError extends Error {}

export { ColumnLimitError } from '../shared/columns';

import { ColumnCounter, DEFAULT_MAX_COLUMNS } from '../shared/columns';

const LINE_BREAK = /\r\n|\n|\r/;
/** Characters counted, or rows split, between two points where parseTsvInTurns may give the event loop a turn. */
const STEP_CHARS = 64 * 1024;
const STEP_ROWS = 256;

/**
 * Splits a TSV document into rows of named cells; header problems throw, row problems are reported
 * per row. A line of more than `maxColumns` cells throws ColumnLimitError before any line is split.
 */
export function parseTsv(text: string, maxColumns = DEFAULT_MAX_COLUMNS): TsvDocument {
  const steps = tsvSteps(text, maxColumns);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** parseTsv with `pause()` between steps (a 20,000-row document was ~300 ms of it in one piece). */
export async function parseTsvInTurns(text: string, maxColumns: number, pause: () => Promise<void>): Promise<TsvDocument> {
  const steps = tsvSteps(text, maxColumns);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** The one parse, yielding (nothing) every few kilobytes counted or rows split: where a caller may pause. */
function* tsvSteps(text: string, maxColumns: number): Generator<void, TsvDocument> {
  const counter = new ColumnCounter(0x09, maxColumns, false, 'TSV');
  for (let at = 0; at < text.length; at += STEP_CHARS) {
    counter.write(text.slice(at, at + STEP_CHARS));
    yield;
  }
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim());
  if (header.every((h) => h === '')) throw new TsvHeaderError('line 1 must be the header of property names, and it is empty');
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (!name || name.startsWith('#')) return;
    if (seen.has(name)) throw new TsvHeaderError(`column '${name}' appears twice in the header (columns ${seen.get(name)! + 1} and ${i + 1})`);
    seen.set(name, i);
  });
  const rows: TsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) continue;
    rows.push(splitRow(line, i + 1, header));
    if (i % STEP_ROWS === 0) yield;
  }
  return { header, rows };
}

function splitRow(line: string, lineNumber: number, header: string[]): TsvRow {
  const raw = line.split('\t');
  const cells: [string, string][] = [];
  const problems: TsvProblem[] = [];
  raw.forEach((cell, i) => {
    const value = cell.trim();
    if (!value) return;
    if (i >= header.length) return;
    const column = header[i];
    if (column.startsWith('#')) return;
    if (!column) {
      problems.push({ column: null, message: `cell ${i + 1} holds '${value}' but its column has no name in the header` });
      return;
    }
    cells.push([column, value]);
  });
  // Trailing empty cells (a spreadsheet's stray tabs) are harmless; a value past the header is not.
  let used = raw.length;
  while (used > 0 && raw[used - 1].trim() === '') used--;
  if (used > header.length) {
    problems.push({ column: null, message: `too many cells: ${used} cells, but the header has ${header.length} columns` });
  }
  return { line: lineNumber, cells, problems };
}
