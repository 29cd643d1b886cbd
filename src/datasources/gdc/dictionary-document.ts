import { createHash } from 'node:crypto';
import { nodeTypesOf } from '../../rules/gdc/reach';
import { TimeSlices } from '../../time-slices';
import type { UpstreamHttp } from '../http';
import { upstreamError } from '../upstream-error';
import { rememberNodeTypes } from './node-types';

const PATH = '/v0/submission/_dictionary/_all';

/** The dictionary as served: its fingerprint, and the document unless it was the one already known. */
export interface DictionaryDocument {
  /** sha256 of the bytes as served, first 12 hex digits (`schemaVersion.gdcDictionary`). */
  hash: string;
  /** Null when `hash` is the one the caller already had: the bytes were not parsed. */
  document: Record<string, unknown> | null;
}

/**
 * `GET /_dictionary/_all` for the typed graph. The bytes are hashed as they arrive, a chunk at a
 * time, and parsed only when their hash differs from `unlessHash`, the dictionary the live schema
 * was built from. The real dictionary is some 11 MB that changes a few times a year: parsing it
 * and printing it again to fingerprint it, on every refresh (each 5 minutes by default), stalled
 * every other caller for 100–700 ms. Null when GDC has no dictionary (404).
 */
export async function readDictionaryDocument(http: UpstreamHttp, unlessHash: string | null): Promise<DictionaryDocument | null> {
  const res = await http.stream({ method: 'GET', path: PATH, headers: { accept: 'application/json' } });
  const sha = createHash('sha256');
  const chunks: Buffer[] = [];
  // Chunks already buffered arrive back to back, without an event-loop turn between them.
  const slices = new TimeSlices(4);
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    sha.update(chunk);
    chunks.push(chunk);
    await slices.pause();
  }
  const text = () => Buffer.concat(chunks).toString('utf8');
  if (res.status === 404) return null;
  if (res.status !== 200) throw upstreamError('GDC', res.status, undefined, text(), 'GET dictionary _all');
  const hash = sha.digest('hex').slice(0, 12);
  if (hash === unlessHash) return { hash, document: null };
  let document: unknown;
  try {
    document = JSON.parse(text());
  } catch {
    throw upstreamError('GDC', res.status, undefined, text().slice(0, 200), 'GET dictionary _all (not JSON)');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw upstreamError('GDC', res.status, document, '', 'GET dictionary _all (not an object)');
  rememberNodeTypes(http, nodeTypesOf(document));
  return { hash, document: document as Record<string, unknown> };
}
