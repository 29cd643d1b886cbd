import type { Readable } from 'node:stream';
import { JsonArraySplitter } from '../json-split';
import type { GdcAnswer, GdcEntityResult, GdcSubmissionResponse } from './models';

/**
 * The most parsed before the event loop gets a turn: ~70 entity results, a quarter of a
 * millisecond once V8 has compiled the splitter, but up to 30x that in the first slices of a
 * fresh process (64 KiB slices then held other callers for 25-100 ms).
 */
const SLICE = 16 * 1024;

/**
 * Called with each entity result of an envelope as it streams in; the envelope itself keeps none.
 * It may take turns (an entity with 100,000 errors is translated in pieces): the next is not
 * handed over before it is done.
 */
export type OnEntity = (entity: GdcEntityResult, index: number) => void | Promise<void>;

/**
 * Reads a GDC write's answer as it streams: entity results one by one (to `onEntity`, else into
 * the envelope), the rest parsed at the end. A 100,000-entity envelope is never one string, and no
 * single JSON.parse holds the event loop. Throws a SyntaxError (with the start of the text) when
 * the answer is not JSON at all, e.g. a proxy's HTML page.
 */
export async function readAnswer(status: number, body: Readable, onEntity?: OnEntity): Promise<GdcAnswer> {
  const collected: GdcEntityResult[] = [];
  // Parsed as the splitter finds them, handed to onEntity after each slice, in order.
  const parsed: [GdcEntityResult, number][] = [];
  const splitter = new JsonArraySplitter((json, i) => {
    const entity = JSON.parse(json) as GdcEntityResult;
    if (onEntity) parsed.push([entity, i]);
    else collected.push(entity);
  }, 'entities');
  const handOver = async () => {
    for (const [entity, i] of parsed.splice(0)) await onEntity!(entity, i);
  };
  let sinceTurn = 0;
  for await (const chunk of body) {
    // One poll of the socket can bring megabytes when GDC answers faster than it is read, and a
    // stream iterator hands them over in promise callbacks, one after the other, without letting
    // the event loop run: so other callers get a turn after every slice, across chunks too.
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length; i += SLICE) {
      const slice = bytes.subarray(i, i + SLICE);
      splitter.write(slice);
      if (parsed.length) await handOver();
      sinceTurn += slice.length;
      if (sinceTurn >= SLICE) {
        sinceTurn = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  const restText = splitter.end() ?? '';
  if (parsed.length) await handOver();
  let rest: Record<string, unknown>;
  try {
    rest = JSON.parse(restText) as Record<string, unknown>;
  } catch {
    throw new SyntaxError(restText.replace(/\s+/g, ' ').trim().slice(0, 300) || '(an empty answer)');
  }
  if (!rest || typeof rest !== 'object' || Array.isArray(rest)) throw new SyntaxError(restText.slice(0, 300));
  const transactionId = typeof rest.transaction_id === 'number' ? rest.transaction_id : null;
  const message = typeof rest.message === 'string' ? rest.message : '';
  if (!Array.isArray(rest.entities)) return { status, envelope: null, message, transactionId };
  const envelope = { ...rest, entities: collected } as unknown as GdcSubmissionResponse;
  return { status, envelope, message, transactionId };
}

/** An answer's text as JSON; undefined when it is not JSON (an S3 XML error, a proxy's page). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** At most `limit` bytes of an answer as text (for error messages), the rest drained. */
export async function readText(body: Readable, limit = 64 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) parts.push((chunk as Buffer).subarray(0, limit - size));
    size += (chunk as Buffer).length;
  }
  return Buffer.concat(parts).toString('utf8');
}
