/**
 * Splits a JSON text, as it streams in, into the elements of one array: the top-level array (a
 * submission document) or the arrays under given keys of a top-level object (GDC's `entities` in
 * an upload envelope, an ENCODE search's `@graph` and `filters`). Each element is handed over as its own small JSON text, so a 200 MB document
 * or a 100,000-entity answer never becomes one string or one JSON.parse that blocks the event loop.
 *
 * It tracks only what JSON structure needs (depth, strings, escapes); the elements themselves are
 * checked by JSON.parse (or by the upstream). With keys, everything outside those arrays is kept
 * (each array left as `[]`) and returned by `end()` for the caller to parse.
 */
export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth of the target array's elements, once the array is open; -1 before, -2 after. */
  private elementDepth = -1;
  private element: Buffer[] = [];
  private elementHasContent = false;
  private count = 0;
  /** Elements of the array being split (an empty one after a comma is invalid JSON). */
  private inArray = 0;
  /** The key of the array being split. */
  private target = '';
  private rest: Buffer[] = [];
  /** The last string completed at depth 1 (pieces across chunks) and the key it became after `:`. */
  private stringFrom = -1;
  private lastString: Buffer[] = [];
  private currentKey: string | null = null;
  private sawRoot = false;
  private rootIsArray = false;
  private readonly keys: Set<string> | null;
  private readonly seenKeys = new Set<string>();
  private repeated = false;

  constructor(
    private readonly onElement: (json: string, index: number, key: string) => void,
    key: string | readonly string[] | null = null,
  ) {
    this.keys = key === null ? null : new Set(typeof key === 'string' ? [key] : key);
  }

  write(chunk: Buffer): void {
    let segmentStart = 0; // where the current run of bytes (element or rest) began in this chunk
    const flush = (end: number) => {
      if (end > segmentStart) {
        const piece = chunk.subarray(segmentStart, end);
        if (this.inElementArray()) {
          if (this.elementHasContent) this.element.push(piece);
        } else if (this.keys !== null) this.rest.push(piece);
      }
      segmentStart = end;
    };
    if (this.inString && this.stringFrom >= 0) this.stringFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const c = chunk[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (!this.sawRoot) {
        this.sawRoot = true;
        this.rootIsArray = c === 0x5b;
        // A document that is one object (not an array) is one element, as GDC reads it.
        if (this.keys === null && !this.rootIsArray) {
          flush(i);
          this.elementDepth = 0;
        }
      }
      const inArray = this.inElementArray();
      if (inArray && this.depth === this.elementDepth && (c === 0x2c || c === 0x5d)) {
        // `,` or the closing `]` at element level ends the current element; none between two
        // commas or after the last one (`[1,,2]`, `[1,]`) is invalid JSON, not an element less.
        if (!this.elementHasContent && (c === 0x2c || this.inArray > 0)) throw new SyntaxError(`Unexpected '${String.fromCharCode(c)}' in JSON: an empty array element`);
        flush(i);
        this.emit();
        if (c === 0x5d) {
          this.depth--;
          // Another key's array may follow; a document's one array is the last.
          this.elementDepth = this.keys === null ? -2 : -1;
          segmentStart = i; // the `]` itself belongs to the rest
        } else segmentStart = i + 1;
        continue;
      }
      if (inArray && this.depth === this.elementDepth && !this.elementHasContent) {
        segmentStart = i; // whitespace before an element is dropped
        this.elementHasContent = true;
      }
      if (c === 0x22) {
        this.inString = true;
        if (this.depth === 1 && this.keys !== null) {
          this.stringFrom = i + 1;
          this.lastString = [];
        }
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
        if (this.elementDepth === -1 && this.opensTarget(c)) {
          flush(i + 1);
          this.elementDepth = this.depth;
          this.inArray = 0;
          this.target = this.currentKey ?? '';
        }
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 0 && this.elementDepth === 0) {
          flush(i + 1);
          this.emit();
          this.elementDepth = -2;
        }
      } else if (c === 0x3a && this.depth === 1 && this.keys !== null) {
        this.currentKey = Buffer.concat(this.lastString).toString('utf8');
        if (this.keys.has(this.currentKey)) {
          if (this.seenKeys.has(this.currentKey)) this.repeated = true;
          this.seenKeys.add(this.currentKey);
        }
      } else if (c === 0x2c && this.depth === 1) {
        this.currentKey = null;
      }
    }
    if (this.inString && this.stringFrom >= 0) this.lastString.push(chunk.subarray(this.stringFrom));
    flush(chunk.length);
  }

  /**
   * Moves over string content from `from` (a byte that no backslash escapes, unless `escape` says
   * the chunk before ended with one) to the closing quote, returning its index (the string ends
   * there) or the chunk's length (it goes on). Short strings (keys, ids) are looked at byte by
   * byte; a long one (a document's free text) is crossed with indexOf, at memchr speed.
   */
  private skipString(chunk: Buffer, from: number): number {
    let i = from;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    for (const short = Math.min(chunk.length, i + 32); i < short; i++) {
      const c = chunk[i];
      if (c === 0x22) return this.closeString(chunk, i);
      if (c === 0x5c && ++i === chunk.length) {
        this.escape = true;
        return chunk.length;
      }
    }
    for (;;) {
      if (i >= chunk.length) return chunk.length;
      const quote = chunk.indexOf(0x22, i);
      // The quote (or the chunk's end) is escaped when an odd run of backslashes comes before it;
      // chunk[i] itself is never escaped, so the run is counted back to i at most.
      const end = quote < 0 ? chunk.length : quote;
      let backslashes = 0;
      while (end - backslashes - 1 >= i && chunk[end - backslashes - 1] === 0x5c) backslashes++;
      if (quote < 0) {
        this.escape = backslashes % 2 === 1;
        return chunk.length;
      }
      if (backslashes % 2 === 0) return this.closeString(chunk, quote);
      i = quote + 1;
    }
  }

  private closeString(chunk: Buffer, quote: number): number {
    this.inString = false;
    if (this.stringFrom >= 0) {
      this.lastString.push(chunk.subarray(this.stringFrom, quote));
      this.stringFrom = -1;
    }
    return quote;
  }

  /** Ends the input; returns the JSON outside the target arrays (with keys), else null. */
  end(): string | null {
    if (this.depth !== 0 || this.inString) throw new SyntaxError('Unexpected end of JSON input');
    if (this.elementDepth === 0 && this.elementHasContent) this.emit();
    return this.keys === null ? null : Buffer.concat(this.rest).toString('utf8');
  }

  /**
   * Whether one of the keys (spelt as given, without escapes) names more than one top-level
   * member: JSON.parse keeps the last, which need not be an array split out.
   */
  get keyRepeated(): boolean {
    return this.repeated;
  }

  /** How many elements were found. */
  get elements(): number {
    return this.count;
  }

  private inElementArray(): boolean {
    return this.elementDepth >= 0;
  }

  private opensTarget(c: number): boolean {
    if (this.keys === null) return this.depth === 1 && c === 0x5b;
    return this.depth === 2 && c === 0x5b && this.currentKey !== null && this.keys.has(this.currentKey);
  }

  private emit(): void {
    if (!this.elementHasContent) {
      this.element = [];
      return;
    }
    // Most elements lie in one chunk: decoded from it, not copied out first.
    const bytes = this.element.length === 1 ? this.element[0] : Buffer.concat(this.element);
    const text = bytes.toString('utf8').trimEnd();
    this.element = [];
    this.elementHasContent = false;
    this.inArray++;
    this.onElement(text, this.count++, this.target);
  }
}
