import { badInput } from '../../documents';
import { headerNames } from './scan';
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
  private inHeader = true;
  /** Nothing but whitespace in the header record so far: a blank line before the header, skipped. */
  private headerBlank = true;
  /** The bytes of the header cell being read. */
  private cell: number[] = [];
  private first = true;

  constructor(private readonly delimiter: number) {}

  write(chunk: Buffer): void {
    let i = 0;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // a UTF-8 BOM
    }
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
            this.headerBlank = false;
            continue;
          }
          break;
      }
      if (c === this.delimiter) {
        if (this.inHeader) this.headerCell();
        this.field++;
        this.recordEmpty = false;
        if (c !== TAB) this.headerBlank = false;
        this.state = State.FieldStart;
      } else if (c === LF || c === CR) {
        if (this.inHeader) this.endHeader();
        else this.endRecord();
      } else {
        this.state = State.InField;
        this.content(c);
      }
    }
  }

  end(): number[] {
    if (this.inHeader) this.endHeader();
    else this.endRecord();
    return this.rows;
  }

  private content(c: number): void {
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) {
      this.recordEmpty = false;
      this.headerBlank = false;
      if (this.field === this.typeColumn) this.typeSeen = true;
    }
    if (this.inHeader) this.cell.push(c);
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

  /**
   * A header cell ends: its column name as GDC's reader names columns (trimmed, a template's `*`
   * dropped), and is it `type`? Read as the bytes go by, not with a full parser afterwards: a header
   * of 100,000 columns parsed in one piece held the event loop for hundreds of ms.
   */
  private headerCell(): void {
    const [name] = headerNames([Buffer.from(this.cell).toString('utf8')]);
    this.columns.push(name);
    if (this.typeColumn < 0 && name === 'type') this.typeColumn = this.field;
    this.cell = [];
  }

  private endHeader(): void {
    this.headerCell();
    if (this.headerBlank) {
      // Blank lines before the header are skipped, as csv readers do.
      this.typeColumn = -1;
      this.columns = [];
    } else this.inHeader = false;
    this.headerBlank = true;
    this.startRecord();
  }

  get hasTypeColumn(): boolean {
    return this.typeColumn >= 0;
  }

  /** The header has been read (its line ended). */
  get headerDone(): boolean {
    return !this.inHeader;
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

/** Refuses a TSV/CSV document whose header has no `type` column, reading only as far as its header ends. */
export async function checkHeader(doc: GdcDocument): Promise<void> {
  const scanner = new RowScanner(doc.format === 'csv' ? 0x2c : 0x09);
  const source = doc.open();
  try {
    for await (const chunk of source) {
      scanner.write(chunk as Buffer);
      if (scanner.headerDone) break;
    }
  } finally {
    source.destroy();
  }
  if (!scanner.headerDone) scanner.end();
  if (!scanner.hasTypeColumn) throw badInput(`The ${doc.format.toUpperCase()} header has no 'type' column`, 'document');
}
