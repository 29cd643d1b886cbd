import { isRemote, type LocalFile, resolveLocal, statFile } from './local-files';

/** One record of the input file, as the CLI tracks it from reading to the report. */
export interface InputRecord {
  /** TSV line number (header = line 1); null for JSON. */
  row: number | null;
  /** Position among the input file's records, from 0. */
  position: number;
  /** Position among the records sent to the gateway; null when held back here. */
  index: number | null;
  /** First alias given (or record_id for patches), for the report. */
  alias: string | null;
  /** The local data file named in submitted_file_name, resolved; null when none or remote. */
  file: string | null;
  localFile: LocalFile | null;
  /** Problems found here: the record is held back (not sent) and reported failed. */
  errors: string[];
  notes: string[];
}

export interface ParsedInput {
  format: 'json' | 'tsv';
  filename: string;
  records: InputRecord[];
  /**
   * The document to send (call once, after measuring the local files): md5sum/file_size filled in
   * where missing, records whose given ones differ held back, as are records with errors.
   */
  render(): string;
}

/**
 * What to do with local files named in submitted_file_name: `measure` (POST: md5sum and file_size
 * filled in when missing, checked when given), and `upload` (a missing file fails its record).
 */
export interface FileHandling {
  measure: boolean;
  upload: boolean;
}

/** JSON when the name or the text says so (eu_register tries JSON first), else TSV. */
export function parseInput(text: string, filename: string, files: FileHandling): ParsedInput {
  const json = /\.json$/i.test(filename) || /^\s*[[{]/.test(text);
  return json ? parseJson(text, filename, files) : parseTsv(text, filename, files);
}

function record(position: number, row: number | null, alias: string | null, fileName: unknown, files: FileHandling): InputRecord {
  const r: InputRecord = { row, position, index: null, alias, file: null, localFile: null, errors: [], notes: [] };
  if (!files.measure || typeof fileName !== 'string' || !fileName.trim()) return r;
  const name = fileName.trim();
  if (isRemote(name)) {
    r.notes.push(`submitted_file_name ${name} is not on this machine: the CLI uploads local files only`);
    return r;
  }
  const file = resolveLocal(name);
  const stat = statFile(file);
  if (!('error' in stat)) r.file = file;
  else if (files.upload) r.errors.push(`submitted_file_name: ${stat.error}`);
  else r.notes.push(`submitted_file_name: ${stat.error} (md5sum and file_size as given)`);
  return r;
}

/** The md5sum/file_size a record should carry: the measured ones, or an error when it gives others. */
export function checkGiven(r: InputRecord, md5: unknown, size: unknown): { md5sum?: string; file_size?: number } {
  const f = r.localFile;
  if (!f) return {};
  const out: { md5sum?: string; file_size?: number } = {};
  if (md5 === undefined || md5 === null || md5 === '') out.md5sum = f.md5;
  else if (String(md5).trim().toLowerCase() !== f.md5) r.errors.push(`md5sum ${String(md5).trim()} is not the md5 of ${f.path} (${f.md5})`);
  if (size === undefined || size === null || size === '') out.file_size = f.size;
  else if (Number(size) !== f.size) r.errors.push(`file_size ${String(size).trim()} is not the size of ${f.path} (${f.size} bytes)`);
  return out;
}

function parseJson(text: string, filename: string, files: FileHandling): ParsedInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${filename} is not valid JSON: ${(err as Error).message}`);
  }
  const list = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
  const records = list.map((item, i) => {
    const obj = item && typeof item === 'object' && !Array.isArray(item) ? item : {};
    const alias = Array.isArray(obj.aliases) && typeof obj.aliases[0] === 'string' ? obj.aliases[0] : typeof obj.record_id === 'string' ? obj.record_id : null;
    return record(i, null, alias, obj.submitted_file_name, files);
  });
  return {
    format: 'json',
    filename,
    records,
    render() {
      const sent: unknown[] = [];
      records.forEach((r, i) => {
        const item = list[i];
        const fill = item && typeof item === 'object' ? checkGiven(r, item.md5sum, item.file_size) : {};
        if (r.errors.length) return;
        r.index = sent.length;
        sent.push(Object.keys(fill).length ? { ...item, ...fill } : item);
      });
      return JSON.stringify(sent, null, 1);
    },
  };
}

function parseTsv(text: string, filename: string, files: FileHandling): ParsedInput {
  // Lines as the gateway splits them (CRLF, LF or CR; a byte-order mark ignored), each line's own
  // break kept so that what is sent differs from what the user wrote only where it must.
  const parts = text.split(/(\r\n|\n|\r)/);
  const lines = parts.filter((_, i) => i % 2 === 0);
  const breaks = parts.filter((_, i) => i % 2 === 1);
  const cellsOf = (l: string) => l.split('\t');
  const header = cellsOf((lines[0] ?? '').replace(/^\uFEFF/, '')).map((h) => h.trim());
  const column = (name: string) => header.indexOf(name);
  const [fileCol, md5Col, sizeCol] = ['submitted_file_name', 'md5sum', 'file_size'].map(column);
  const aliasCol = column('aliases') >= 0 ? column('aliases') : column('record_id');
  const records: InputRecord[] = [];
  const lineOf = new Map<InputRecord, number>();
  lines.forEach((line, i) => {
    if (i === 0 || !line.trim() || line.startsWith('#')) return;
    const cells = cellsOf(line);
    const alias = aliasCol >= 0 ? (cells[aliasCol] ?? '').trim().replace(/^\[|\]$/g, '').split(',')[0].trim() || null : null;
    const r = record(records.length, i + 1, alias, fileCol >= 0 ? cells[fileCol] : undefined, files);
    lineOf.set(r, i);
    records.push(r);
  });
  return {
    format: 'tsv',
    filename,
    records,
    render() {
      const out = [...lines];
      const fills = records.map((r) => {
        const cells = cellsOf(lines[lineOf.get(r)!]);
        return checkGiven(r, md5Col >= 0 ? cells[md5Col]?.trim() : undefined, sizeCol >= 0 ? cells[sizeCol]?.trim() : undefined);
      });
      const added = {
        md5sum: md5Col < 0 && fills.some((f) => f.md5sum),
        file_size: sizeCol < 0 && fills.some((f) => f.file_size !== undefined),
      };
      const width = header.length;
      const extra = (Object.keys(added) as (keyof typeof added)[]).filter((k) => added[k]);
      if (extra.length) out[0] = `${out[0]}\t${extra.join('\t')}`;
      let index = 0;
      records.forEach((r, k) => {
        const i = lineOf.get(r)!;
        // Held back: commented out, so the gateway skips it and every other row keeps its number.
        if (r.errors.length) return void (out[i] = `#${out[i]}`);
        r.index = index++;
        const fill = fills[k];
        const cells = cellsOf(out[i]);
        if (md5Col >= 0 && fill.md5sum) cells[md5Col] = fill.md5sum;
        if (sizeCol >= 0 && fill.file_size !== undefined) cells[sizeCol] = String(fill.file_size);
        if (extra.length) {
          while (cells.length < width) cells.push('');
          for (const k2 of extra) cells.push(k2 === 'md5sum' ? (fill.md5sum ?? '') : fill.file_size !== undefined ? String(fill.file_size) : '');
        }
        out[i] = cells.join('\t');
      });
      return out.map((line, i) => line + (breaks[i] ?? '')).join('');
    },
  };
}
