import { TimeSlices } from '../time-slices';
import { JsonArraySplitter } from './json-split';

/** Bytes handed to the splitter between looks at the clock (~20 search hits). */
const SLICE = 16 * 1024;

/**
 * Shared by every answer parsed in pieces: the searches of one 20,000-id load run side by side
 * and give the event loop back together (see TimeSlices).
 */
const slices = new TimeSlices();

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Parses a JSON answer as it streams in, the arrays under `keys` of its top-level object (an
 * ENCODE search's `@graph` and `filters`) one element at a time, the rest (total, facets…) from
 * what the splitter keeps, with the event loop given back every few milliseconds: a search answer of
 * many megabytes is never one JSON.parse that holds every other caller.
 *
 * `end()` gives what JSON.parse gives the whole text (as undici decodes it: a leading BOM
 * skipped), or undefined where JSON.parse would throw; test/unit/datasources/json-pieces.test.ts
 * holds it to that.
 */
export class JsonPieces {
  private readonly splitter: JsonArraySplitter;
  /** The elements of each array split out, by key (none for an empty one). */
  private readonly elements = new Map<string, unknown[]>();
  /** The first bytes, until it is known whether they are a BOM. */
  private head: Buffer | null = Buffer.alloc(0);
  private failed = false;

  constructor(keys: readonly string[]) {
    this.splitter = new JsonArraySplitter((json, _i, key) => {
      const elements = this.elements.get(key);
      if (elements) elements.push(JSON.parse(json));
      else this.elements.set(key, [JSON.parse(json)]);
    }, keys);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failed) return;
    let bytes = chunk;
    if (this.head) {
      bytes = Buffer.concat([this.head, chunk]);
      if (bytes.length < BOM.length && BOM.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
        this.head = bytes;
        return;
      }
      this.head = null;
      if (BOM.every((b, i) => bytes[i] === b)) bytes = bytes.subarray(BOM.length);
    }
    for (let i = 0; i < bytes.length && !this.failed; i += SLICE) {
      try {
        this.splitter.write(bytes.subarray(i, i + SLICE));
      } catch {
        // Invalid JSON: read on (the answer must be drained) but parse nothing more.
        this.failed = true;
      }
      await slices.pause();
    }
  }

  /**
   * The parsed answer, or undefined when it is not JSON. `whole()` is asked for the text only
   * when a key names more than one member (JSON.parse keeps the last, which need not be the
   * array split out): an answer no portal gives, parsed in one piece.
   */
  end(whole: () => string): unknown {
    try {
      if (this.head?.length) {
        const head = this.head;
        this.head = null;
        this.splitter.write(head);
      }
      if (this.failed) return undefined;
      const rest = JSON.parse(this.splitter.end() ?? '') as unknown;
      if (this.splitter.keyRepeated) return JSON.parse(whole());
      for (const [key, elements] of this.elements) (rest as Record<string, unknown>)[key] = elements;
      return rest;
    } catch {
      return undefined;
    }
  }
}

/** Parses complete bytes in pieces (another reader of an answer already read: see upstream-calls.ts). */
export async function parseInPieces(chunks: readonly Buffer[], keys: readonly string[]): Promise<unknown> {
  const pieces = new JsonPieces(keys);
  for (const chunk of chunks) await pieces.write(chunk);
  return pieces.end(() => decodeUtf8(chunks));
}

/** The text of an answer's bytes as undici's `body.text()` decodes it (a leading BOM skipped). */
export function decodeUtf8(chunks: readonly Buffer[]): string {
  const bytes = Buffer.concat(chunks);
  const bom = bytes.length > 2 && BOM.every((b, i) => bytes[i] === b);
  return bytes.toString('utf8', bom ? 3 : 0);
}
