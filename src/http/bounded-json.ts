/**
 * JSON from callers (request bodies, JSON documents) parsed in one pass that refuses, as it reads,
 * what would cost memory or time beyond the limits: keys per object, values in all, list items,
 * string length, nesting, and duplicate keys. It yields to the event loop every slice of input, so
 * a large body costs O(its size) of CPU in small pieces and other callers keep being answered.
 *
 * Why not JSON.parse: it cannot stop early (1,000,000 keys are all built before anyone can count
 * them, and blocks meanwhile) and silently keeps the last of duplicate keys. The streaming parsers
 * on the registry either emit every token through callbacks (slower than this, and the limits
 * would still be checked by hand on top) or are 0.x; this is the small tokenizer they would need.
 */

import type { QueryLimits } from '../config';

export interface JsonLimits {
  /** MAX_JSON_KEYS: keys of one object. */
  maxKeys: number;
  /** MAX_JSON_NODES: values in the whole document (objects, lists, strings, numbers...). */
  maxNodes: number;
  /** MAX_JSON_STRING_LENGTH: characters of one string (keys included). */
  maxStringLength: number;
  /** MAX_LIST_ITEMS: items of one list. */
  maxListItems: number;
  /** Nesting of objects and lists (MAX_INPUT_DEPTH, plus the envelope around variables). */
  maxDepth: number;
}

/**
 * The limits for a request body: variables sit two levels inside it (`{"variables": {...}}`), so
 * MAX_INPUT_DEPTH counts from there, as the input-limits guard does.
 */
export function bodyJsonLimits(limits: QueryLimits): JsonLimits {
  return { maxKeys: limits.jsonKeys, maxNodes: limits.jsonNodes, maxStringLength: limits.jsonStringLength, maxListItems: limits.listItems, maxDepth: limits.inputDepth + 2 };
}

/**
 * The limits for a JSON document (a file or a JSON argument of entities): its top-level list may
 * be as long as its values allow (documents are lists of entities), the rest as for a body.
 */
export function documentJsonLimits(limits: QueryLimits): JsonLimits {
  return { ...bodyJsonLimits(limits), maxListItems: limits.jsonNodes, maxDepth: limits.inputDepth };
}

/** A refusal by one of the limits: `limit` names the setting. */
export class JsonLimitError extends Error {
  constructor(
    readonly limit: string,
    readonly max: number,
    message: string,
  ) {
    super(`${message} (${limit}=${max})`);
  }

  /** Nesting keeps the code it had before these limits (BAD_USER_INPUT); the others are LIMIT_EXCEEDED. */
  get code(): string {
    return this.limit === 'MAX_INPUT_DEPTH' ? 'BAD_USER_INPUT' : 'LIMIT_EXCEEDED';
  }
}

/** Not JSON (or a duplicate key, which JSON.parse would silently resolve to the last one). */
export class JsonSyntaxError extends SyntaxError {}

/** Characters parsed between two yields to the event loop (about a millisecond of work). */
const SLICE_CHARS = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

type Frame = { list: unknown[]; object?: undefined; key?: undefined; keys?: undefined } | { object: Record<string, unknown>; key: string; keys: number; list?: undefined };

/** A string being scanned: its opening quote, how far, whether it has escapes. */
interface StringScan {
  start: number;
  at: number;
  escaped: boolean;
}

/** A run of characters a string holds as they are (no quote, backslash or control character), at most a slice long. */
const PLAIN = new RegExp(String.raw`[^"\\\u0000-\u001f]{0,${SLICE_CHARS}}`, 'y');
const HEX4 = /^[0-9a-fA-F]{4}$/;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Values this parser made: their shape is known to be within the limits they were parsed under. */
const checked = new WeakSet<object>();

export async function parseBoundedJson(input: string | Buffer, limits: JsonLimits): Promise<unknown> {
  const value = await new BoundedJsonParser(typeof input === 'string' ? input : input.toString('utf8'), limits).parse();
  if (value && typeof value === 'object') checked.add(value);
  return value;
}

/** Whether parseBoundedJson made `value`: its nesting (and every other limit) was checked as it was read. */
export function parsedWithinLimits(value: unknown): boolean {
  return !!value && typeof value === 'object' && checked.has(value);
}

/**
 * The same limits on a value another parser made (a multipart request's `operations`, read by
 * graphql-upload-minimal): one walk without recursion, skipped for what parseBoundedJson made.
 */
export function checkJsonShape(value: unknown, limits: JsonLimits, at = '$'): void {
  if (!value || typeof value !== 'object' || checked.has(value)) return;
  const refuse = (limit: string, max: number, message: string, where: string): never => {
    throw new JsonLimitError(limit, max, `${message} at ${where}`);
  };
  let nodes = 0;
  const stack: [unknown, number, string][] = [[value, 0, at]];
  while (stack.length) {
    const [v, depth, where] = stack.pop()!;
    if (++nodes > limits.maxNodes) refuse('MAX_JSON_NODES', limits.maxNodes, `The JSON has more than ${limits.maxNodes} values`, where);
    if (typeof v === 'string' && v.length > limits.maxStringLength) refuse('MAX_JSON_STRING_LENGTH', limits.maxStringLength, `A string in the JSON is longer than ${limits.maxStringLength} characters`, where);
    if (!v || typeof v !== 'object') continue;
    if (depth >= limits.maxDepth) refuse('MAX_INPUT_DEPTH', limits.maxDepth, `The JSON nests more than ${limits.maxDepth} levels deep`, where);
    if (Array.isArray(v)) {
      if (v.length > limits.maxListItems) refuse('MAX_LIST_ITEMS', limits.maxListItems, `A list in the JSON has more than ${limits.maxListItems} items`, where);
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, `${where}[${i}]`]);
    } else {
      const keys = Object.keys(v);
      if (keys.length > limits.maxKeys) refuse('MAX_JSON_KEYS', limits.maxKeys, `An object in the JSON has more than ${limits.maxKeys} keys`, where);
      for (const key of keys) stack.push([(v as Record<string, unknown>)[key], depth + 1, `${where}.${key}`]);
    }
  }
}

class BoundedJsonParser {
  private pos = 0;
  private nodes = 0;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly text: string,
    private readonly limits: JsonLimits,
  ) {}

  async parse(): Promise<unknown> {
    const { text, stack, limits } = this;
    let nextYield = SLICE_CHARS;
    for (;;) {
      if (this.pos >= nextYield) {
        await yieldToLoop();
        nextYield = this.pos + SLICE_CHARS;
      }
      // A value starts here: an open container waits for its first member, anything else completes.
      let value: unknown;
      const c = text.charCodeAt(this.skipSpace());
      if (c === LBRACE || c === LBRACKET) {
        if (stack.length >= limits.maxDepth) this.refuse('MAX_INPUT_DEPTH', limits.maxDepth, `The JSON nests more than ${limits.maxDepth} levels deep`);
        this.pos++;
        const close = c === LBRACE ? RBRACE : RBRACKET;
        if (text.charCodeAt(this.skipSpace()) === close) {
          this.pos++;
          value = c === LBRACE ? {} : [];
        } else if (c === LBRACE) {
          const object = {};
          stack.push({ object, key: this.readKey(object), keys: 1 });
          continue;
        } else {
          stack.push({ list: [] });
          continue;
        }
      } else if (c === QUOTE) {
        const read = this.readString(true);
        value = typeof read === 'string' ? read : await this.readLongString(read);
      } else {
        value = this.readLiteral();
      }
      // Complete values into their containers, closing those that end here.
      for (;;) {
        if (++this.nodes > limits.maxNodes) this.refuse('MAX_JSON_NODES', limits.maxNodes, `The JSON has more than ${limits.maxNodes} values`);
        const top = stack[stack.length - 1];
        if (!top) {
          if (this.skipSpace() !== text.length) this.syntax('Unexpected data after the JSON value');
          return value;
        }
        if (top.list) {
          if (top.list.length >= limits.maxListItems) this.refuse('MAX_LIST_ITEMS', limits.maxListItems, `A list in the JSON has more than ${limits.maxListItems} items`);
          top.list.push(value);
        } else {
          set(top.object, top.key, value);
        }
        const next = text.charCodeAt(this.skipSpace());
        this.pos++;
        if (next === COMMA) {
          if (top.object) {
            if (++top.keys > limits.maxKeys) this.refuse('MAX_JSON_KEYS', limits.maxKeys, `An object in the JSON has more than ${limits.maxKeys} keys`);
            this.skipSpace();
            top.key = this.readKey(top.object);
          }
          break;
        }
        if (next !== (top.list ? RBRACKET : RBRACE)) {
          this.pos--;
          this.syntax(`Expected ',' or '${top.list ? ']' : '}'}'`);
        }
        stack.pop();
        value = top.list ?? top.object;
      }
    }
  }

  private skipSpace(): number {
    const { text } = this;
    let c = text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos);
    return this.pos;
  }

  /** A member's key and its colon; a key the object already has is refused. */
  private readKey(object: Record<string, unknown>): string {
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.syntax('Expected a double-quoted property name');
    const at = this.pos;
    const key = this.readString();
    if (Object.prototype.hasOwnProperty.call(object, key)) {
      // Where the object is would name the previous member's key: the position says it.
      throw new JsonSyntaxError(`Duplicate key ${JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key)} at position ${at}`);
    }
    if (this.text.charCodeAt(this.skipSpace()) !== COLON) this.syntax("Expected ':' after a property name");
    this.pos++;
    return key;
  }

  /**
   * A string (the quote at pos), scanned whole in this turn: keys, and values that turn out short.
   * With `orLong`, a value string still open after its first slice is handed back as its scan, to
   * be finished by readLongString with turns of the event loop.
   */
  private readString(): string;
  private readString(orLong: true): string | StringScan;
  private readString(orLong = false): string | StringScan {
    const scan: StringScan = { start: this.pos, at: this.pos + 1, escaped: false };
    while (!this.scanSlice(scan)) {
      if (orLong) return scan;
    }
    this.pos = scan.at + 1;
    if (!scan.escaped) return this.unescaped(scan);
    let value: string;
    try {
      value = JSON.parse(this.text.slice(scan.start, scan.at + 1)) as string;
    } catch {
      this.pos = scan.start;
      return this.syntax('Bad escape in string');
    }
    if (value.length > this.limits.maxStringLength) this.tooLong();
    return value;
  }

  /**
   * A string value longer than a slice, its scan finished and its escapes decoded a slice at a
   * time with a turn of the event loop between slices: a 7 MB string of escapes is ~100 ms of
   * JSON.parse in one piece. Slices are cut only between whole characters or escapes (scanSlice
   * stops there), so each decodes alone.
   */
  private async readLongString(scan: StringScan): Promise<string> {
    const cuts = [scan.start + 1];
    do {
      cuts.push(scan.at);
      await yieldToLoop();
    } while (!this.scanSlice(scan));
    this.pos = scan.at + 1;
    if (!scan.escaped) return this.unescaped(scan);
    if (cuts[cuts.length - 1] !== scan.at) cuts.push(scan.at);
    const pieces: string[] = [];
    let length = 0;
    for (let k = 1; k < cuts.length; k++) {
      let piece: string;
      try {
        piece = JSON.parse(`"${this.text.slice(cuts[k - 1], cuts[k])}"`) as string;
      } catch {
        this.pos = scan.start;
        return this.syntax('Bad escape in string');
      }
      length += piece.length;
      if (length > this.limits.maxStringLength) this.tooLong();
      pieces.push(piece);
      await yieldToLoop();
    }
    return pieces.join('');
  }

  /** A string without escapes is its raw text. */
  private unescaped(scan: StringScan): string {
    if (scan.at - scan.start - 1 > this.limits.maxStringLength) this.tooLong();
    return this.text.slice(scan.start + 1, scan.at);
  }

  /**
   * The one scan of a string's raw text: on from `scan.at` for about SLICE_CHARS characters, runs
   * of plain characters by a native sticky regex, escapes stepped over whole. True when the
   * closing quote is found (at `scan.at`); false when the slice ends first (`scan.at` is then
   * between two whole characters or escapes). Refuses a control character, an unterminated
   * string, and raw text longer than the longest a string within MAX_JSON_STRING_LENGTH can be.
   */
  private scanSlice(scan: StringScan): boolean {
    const { text } = this;
    // An escape is at most 6 characters for one: past that many, the string is too long whatever it holds.
    const rawMax = scan.start + 1 + this.limits.maxStringLength * 6;
    const sliceEnd = scan.at + SLICE_CHARS;
    let i = scan.at;
    while (i < sliceEnd) {
      PLAIN.lastIndex = i;
      PLAIN.test(text);
      i = PLAIN.lastIndex;
      if (i > rawMax) this.tooLong();
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        scan.at = i;
        return true;
      }
      if (c === BACKSLASH) {
        scan.escaped = true;
        // \uXXXX is stepped over whole (never cut inside); a malformed one is JSON.parse's to refuse.
        i += text.charCodeAt(i + 1) === 0x75 && HEX4.test(text.slice(i + 2, i + 6)) ? 6 : 2;
        if (i > rawMax) this.tooLong();
      } else if (c < 0x20 || Number.isNaN(c)) {
        this.pos = i;
        this.syntax(Number.isNaN(c) ? 'Unterminated string' : 'Bad control character in string');
      }
      // Anything else is a plain character where PLAIN's run stopped at its bound: go on.
    }
    scan.at = i;
    return false;
  }

  private readLiteral(): unknown {
    const { text, pos } = this;
    const c = text.charCodeAt(pos);
    if (c === 0x74 && text.startsWith('true', pos)) return this.advance(4, true);
    if (c === 0x66 && text.startsWith('false', pos)) return this.advance(5, false);
    if (c === 0x6e && text.startsWith('null', pos)) return this.advance(4, null);
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (!number) return this.syntax(pos >= text.length ? 'Unexpected end of JSON input' : `Unexpected token ${JSON.stringify(text[pos])}`);
    if (number[0].length > this.limits.maxStringLength) this.tooLong();
    return this.advance(number[0].length, Number(number[0]));
  }

  private advance<T>(chars: number, value: T): T {
    this.pos += chars;
    return value;
  }

  private tooLong(): never {
    const max = this.limits.maxStringLength;
    return this.refuse('MAX_JSON_STRING_LENGTH', max, `A string in the JSON is longer than ${max} characters`);
  }

  /** Where in the document the parser is, as a JSONPath-ish trail: `$.variables.ids[10000]`. */
  private where(): string {
    return this.stack.map((f) => (f.list ? `[${f.list.length}]` : /^[A-Za-z_$][\w$]*$/.test(f.key) ? `.${f.key}` : `[${JSON.stringify(f.key.slice(0, 100))}]`)).join('');
  }

  private refuse(limit: string, max: number, message: string): never {
    throw new JsonLimitError(limit, max, `${message} at $${this.where()}`);
  }

  private syntax(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos} ($${this.where()})`);
  }
}


/** `__proto__` as a key is data, as JSON.parse makes it, never the object's prototype. */
function set(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
