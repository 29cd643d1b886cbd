import { parse } from 'csv-parse/sync';
import { badInput } from '../../documents';
import { headerNames, RECORD_DELIMITERS } from './scan';
import type { GdcDocument } from './source';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

const enum State {
  FieldStart,
  InField,
  InQuoted,
  QuoteInQuoted,
}

/**
 * The line of every entity of a TSV/CSV document, as fast as the bytes can be looked at: GDC turns
 * each record whose `type` cell is not blank into one entity, so errors can name their row. It
 * follows the quoting rules of Python's csv reader, which GDC parses with (a field that starts
 * with `"` runs to the next lone `"`, newlines and delimiters included; `""` is a quote; a quote
 * elsewhere is just a character). A full CSV parser costs ~5x the CPU for this, and with two
 * cores a 200 MB document would keep one of them busy for seconds that other callers wait out.
 */
export class RowScanner {
  readonly rows: number[] = [];
  /** The header's column names, as GDC reads them (headerNames). */
  columns: string[] = [];
  private state = State.FieldStart;
  private line = 1;
  private recordLine = 1;
  private field = 0;
  private typeColumn = -1;
  private typeSeen = false;
  private recordEmpty = true;
  private header: Buffer[] | null = [];
  private first = true;

  constructor(private readonly delimiter: number) {}

  write(chunk: Buffer): void {
    let i = 0;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // a UTF-8 BOM
    }
    let headerFrom = i;
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === LF) this.line++;
      switch (this.state) {
        case State.InQuoted:
          if (c === QUOTE) this.state = State.QuoteInQuoted;
          else this.content(c);
          continue;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.state = State.InQuoted;
            this.content(c);
            continue;
          }
          break; // the quoted part ended: the byte is handled below as in an unquoted field
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.InQuoted;
            this.recordEmpty = false;
            continue;
          }
          break;
      }
      if (c === this.delimiter) {
        this.field++;
        this.recordEmpty = false;
        this.state = State.FieldStart;
      } else if (c === LF || c === CR) {
        if (this.header) {
          this.header.push(chunk.subarray(headerFrom, i));
          headerFrom = i + 1;
          this.readHeader();
        } else this.endRecord();
      } else {
        this.state = State.InField;
        this.content(c);
      }
    }
    if (this.header) this.header.push(chunk.subarray(headerFrom));
  }

  end(): number[] {
    if (this.header) this.readHeader();
    else this.endRecord();
    return this.rows;
  }

  private content(c: number): void {
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) {
      this.recordEmpty = false;
      if (this.field === this.typeColumn) this.typeSeen = true;
    }
  }

  private endRecord(): void {
    if (!this.recordEmpty && this.typeSeen) this.rows.push(this.recordLine);
    this.startRecord();
  }

  private startRecord(): void {
    this.state = State.FieldStart;
    this.field = 0;
    this.typeSeen = false;
    this.recordEmpty = true;
    this.recordLine = this.line;
  }

  /** The header is one small record: read with a full parser, as GDC's reader names columns. */
  private readHeader(): void {
    const text = Buffer.concat(this.header!).toString('utf8');
    if (!text.trim()) {
      // Blank lines before the header are skipped, as csv readers do.
      this.header = [];
      this.startRecord();
      return;
    }
    const [cells = []] = parse(text, { delimiter: String.fromCharCode(this.delimiter), record_delimiter: RECORD_DELIMITERS, relax_quotes: true, relax_column_count: true }) as string[][];
    this.columns = headerNames(cells);
    this.typeColumn = this.columns.indexOf('type');
    this.header = null;
    this.startRecord();
  }

  get hasTypeColumn(): boolean {
    return this.typeColumn >= 0;
  }
}

/** Where a TSV/CSV document's entities are: the line of each, and the header's columns (so errors name row and column). */
export interface DocumentRows {
  lines: number[];
  columns: string[];
}

/** The line of each entity of a TSV/CSV document, and its columns, in one streaming pass (see RowScanner). */
export async function entityRows(doc: GdcDocument): Promise<DocumentRows> {
  const scanner = new RowScanner(doc.format === 'csv' ? 0x2c : 0x09);
  for await (const chunk of doc.open()) scanner.write(chunk as Buffer);
  const lines = scanner.end();
  if (!scanner.hasTypeColumn) throw badInput(`The ${doc.format.toUpperCase()} header has no 'type' column`, 'document');
  return { lines, columns: scanner.columns };
}
