/**
 * MAX_COLUMNS for TSV/CSV documents, counted before any parser builds a row: a line of 1,000,000
 * cells made csv-parse (and String.split) allocate them all, 1.8 GB and seconds of blocked event
 * loop. One scan, chunk by chunk, with the quoting of Python's csv reader (which GDC reads with; a
 * field that starts with `"` runs to the next lone `"`, delimiters and newlines included), or no
 * quoting at all (ENCODE's TSV, where a cell is its text).
 */

/** MAX_COLUMNS' default: GDC's widest node (with links and their `#N` copies) has a few hundred. */
export const DEFAULT_MAX_COLUMNS = 2_000;

export class ColumnLimitError extends Error {
  readonly limit = 'MAX_COLUMNS';
  constructor(
    readonly max: number,
    /** The line (1 = the header) the record with too many cells starts on. */
    readonly line: number,
    what: string,
  ) {
    super(`${line === 1 ? 'The header' : `The record on line ${line}`} of the ${what} has more than ${max} columns (MAX_COLUMNS=${max})`);
  }
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A `"` inside a quoted field: `""` is a quote, anything else ends the quoting. */
  QuoteInQuoted,
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class ColumnCounter {
  private state = State.FieldStart;
  private delimiters = 0;
  private line = 1;
  private recordLine = 1;

  constructor(
    private readonly delimiter: number,
    private readonly max: number,
    private readonly quoting: boolean,
    /** What the message calls the document: "TSV document", "CSV file"... */
    private readonly what: string,
  ) {}

  /** Counts a piece of the document (a chunk of text or UTF-8 bytes: the characters counted are ASCII either way). */
  write(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string';
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = text ? (chunk as string).charCodeAt(i) : (chunk as Uint8Array)[i];
      if (c === LF) this.line++;
      switch (this.state) {
        case State.Quoted:
          if (c === QUOTE) this.state = State.QuoteInQuoted;
          continue;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.state = State.Quoted;
            continue;
          }
          break;
        case State.FieldStart:
          if (c === QUOTE && this.quoting) {
            this.state = State.Quoted;
            continue;
          }
          break;
        default:
      }
      if (c === this.delimiter) {
        this.state = State.FieldStart;
        if (++this.delimiters >= this.max) throw new ColumnLimitError(this.max, this.recordLine, this.what);
      } else if (c === LF || c === CR) {
        this.state = State.FieldStart;
        this.delimiters = 0;
        this.recordLine = this.line;
      } else {
        this.state = State.Unquoted;
      }
    }
  }
}

/** Throws ColumnLimitError when a record of `text` has more than `max` cells. */
export function checkColumns(text: string, delimiter: '\t' | ',', max: number, quoting: boolean, what: string): void {
  new ColumnCounter(delimiter.charCodeAt(0), max, quoting, what).write(text);
}
