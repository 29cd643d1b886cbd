import fs from 'node:fs';
import type { EntityResult } from './operations';
import type { InputRecord } from './input';

/** One input record's outcome: what `--report` writes and what decides the exit code. */
export interface ReportRow {
  /** TSV line number (header = line 1); null for JSON input. */
  row: number | null;
  /** Position in the input file's records, from 0. */
  index: number;
  alias: string | null;
  accession: string | null;
  id: string | null;
  /** create, update, exists, … as the gateway answered; null when nothing was done. */
  action: string | null;
  errors: string[];
  /** For records with a local data file: uploaded, failed, or why it was not. */
  upload: string | null;
  failed: boolean;
}

export function reportRow(input: InputRecord, entity: EntityResult | undefined, requestError: string | null): ReportRow {
  const errors = [...input.errors];
  if (requestError && !input.errors.length) errors.push(requestError);
  for (const e of entity?.errors ?? []) errors.push(`${e.code}${e.keys.length ? ` [${e.keys.join(',')}]` : ''}: ${e.message}`);
  if (!entity && !input.errors.length && !requestError) errors.push('the gateway answered nothing for this record');
  return {
    row: input.row,
    index: input.position,
    alias: entity?.aliases[0] ?? input.alias,
    accession: entity?.accession ?? null,
    id: entity?.id ?? null,
    action: entity?.action ?? null,
    errors,
    upload: null,
    failed: errors.length > 0,
  };
}

const COLUMNS = ['row', 'alias', 'accession', 'action', 'errors', 'upload'] as const;

/** JSON (an array of rows) or, for a .tsv/.txt name, TSV with one line per row. */
export function writeReport(file: string, rows: ReportRow[]): void {
  if (/\.(tsv|txt)$/i.test(file)) {
    const cell = (v: unknown) => (Array.isArray(v) ? v.join('; ') : v === null || v === undefined ? '' : String(v)).replace(/[\t\r\n]+/g, ' ');
    const lines = [COLUMNS.join('\t'), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join('\t'))];
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return;
  }
  fs.writeFileSync(file, `${JSON.stringify(rows.map(({ failed: _f, ...r }) => r), null, 2)}\n`);
}
