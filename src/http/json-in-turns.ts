import { performance } from 'node:perf_hooks';

/**
 * JSON.stringify's text of an answer, written in pieces with turns of the event loop between
 * them (issue 18): the 15 MB answer to a document whose 20,000 rows all failed was ~120 ms of
 * JSON.stringify in one piece, every other caller waiting. Both execution paths send their
 * answers through it (Apollo's `stringifyResult`, the query fast path).
 *
 * Each piece is still JSON.stringify's own work (native, several times faster than any walk in
 * JavaScript): a value is weighed, and one light enough (PIECE_WEIGHT) is written in one call;
 * a heavier one is opened and its members written the same way, runs of light list items
 * together. Weighing stops as soon as the weight is over the bound, so it costs at most a
 * piece's worth per heavy value.
 */

/** About a millisecond of JSON.stringify: values (nodes), a string counting one per 64 characters. */
const PIECE_WEIGHT = 16 * 1024;
/** Pieces written between two turns of the event loop. */
const SLICE_MS = 5;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What JSON.stringify(value) gives (undefined for undefined, a function or a symbol), the event loop turning meanwhile. */
export async function stringifyInTurns(value: unknown, pieceWeight = PIECE_WEIGHT): Promise<string | undefined> {
  if (weightUpTo(value, pieceWeight) <= pieceWeight) return JSON.stringify(value);
  const writer = new Writer(pieceWeight);
  return (await writer.value(value, '')) ? writer.parts.join('') : undefined;
}

/** A plain object or array: what JSON.stringify writes member by member (no toJSON, not a boxed primitive). */
function isOpenable(value: unknown): value is Record<string, unknown> | unknown[] {
  if (!value || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** The value's weight, or a number over `bound` as soon as it is known to be over (no recursion: nesting may be deep). */
function weightUpTo(value: unknown, bound: number): number {
  let weight = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    weight += typeof v === 'string' ? 1 + (v.length >> 6) : 1;
    if (weight > bound) return weight;
    if (!isOpenable(v)) continue;
    if (Array.isArray(v)) {
      if (v.length > bound) return bound + 1;
      for (const item of v) stack.push(item);
    } else {
      const keys = Object.keys(v);
      if (keys.length > bound) return bound + 1;
      for (const key of keys) stack.push(v[key]);
    }
  }
  return weight;
}

class Writer {
  readonly parts: string[] = [];
  private started = performance.now();

  constructor(private readonly pieceWeight: number) {}

  /** Writes the value as a member would be; false when JSON.stringify leaves it out (undefined, a function, a symbol). */
  async value(value: unknown, key: string): Promise<boolean> {
    let v = value;
    if (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(key: string): unknown }).toJSON(key);
    if (!isOpenable(v) || weightUpTo(v, this.pieceWeight) <= this.pieceWeight) return this.piece(JSON.stringify(v));
    if (Array.isArray(v)) await this.list(v);
    else await this.object(v);
    return true;
  }

  /** Light items are written in runs (one JSON.stringify of the run); heavy ones are opened. */
  private async list(list: unknown[]): Promise<void> {
    this.parts.push('[');
    let i = 0;
    while (i < list.length) {
      if (i) this.parts.push(',');
      let end = i;
      for (let weight = 0; end < list.length; end++) {
        const w = weightUpTo(list[end], this.pieceWeight - weight);
        if (weight + w > this.pieceWeight) break;
        weight += w;
      }
      if (end > i) {
        // JSON.stringify writes undefined, functions and symbols in a list as null, as it would here.
        await this.piece(JSON.stringify(list.slice(i, end)).slice(1, -1));
        i = end;
      } else {
        if (!(await this.value(list[i], String(i)))) await this.piece('null');
        i++;
      }
    }
    this.parts.push(']');
  }

  private async object(object: Record<string, unknown>): Promise<void> {
    this.parts.push('{');
    let first = true;
    for (const key of Object.keys(object)) {
      const mark = this.parts.length;
      this.parts.push(first ? '' : ',', JSON.stringify(key), ':');
      if (await this.value(object[key], key)) first = false;
      else this.parts.length = mark;
    }
    this.parts.push('}');
  }

  private async piece(text: string | undefined): Promise<boolean> {
    if (text === undefined) return false;
    this.parts.push(text);
    if (performance.now() - this.started >= SLICE_MS) {
      await turn();
      this.started = performance.now();
    }
    return true;
  }
}
