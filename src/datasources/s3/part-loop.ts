import type { PartPool } from './parts';
import { partEtag, unquoteEtag } from '../../rules/s3/etag';

/** A part the upload already holds, by what S3 answered for it (its ETag, quoted or not). */
export interface HeldPart {
  size: number;
  etag: string;
}

export interface PartLoop {
  pool: PartPool;
  /** Parts in flight at most. */
  parallel: number;
  /** Parts an earlier try left in the upload, by part number. */
  held: ReadonlyMap<number, HeldPart>;
  /** Sends one part; resolves to the ETag S3 answered. Each system's own retries live here. */
  send(partNumber: number, part: Buffer): Promise<string>;
  /** Told of each part in the upload, held or newly sent, with its size; `sent` is false for a held one. */
  onPart?(partNumber: number, size: number, etag: string, sent: boolean): Promise<void> | void;
}

export interface PartLoopEnd {
  /** The parts now in the upload, by number, with unquoted ETags. */
  parts: { partNumber: number; etag: string }[];
  /** Parts (and their bytes) already held, not sent again. */
  reused: number;
  reusedBytes: number;
  /** Parts read from the source. */
  read: number;
  /** The first part that failed, if any: nothing was sent after it was seen. */
  partFailure: { partNumber: number; error: unknown } | null;
  /** The source's own error (a refused md5 or size, a caller gone), if it threw. */
  sourceError: unknown;
}

/**
 * The one loop both upload paths send parts with (ENCODE straight to S3, GDC through its files
 * endpoint): a part the upload already holds with the same size and md5 is not sent again; at most
 * `parallel` parts are in flight and each buffer goes back to the pool once its part is answered,
 * so memory is part size × (parallel + 1) whatever the file's size. It ends once nothing is in
 * flight, and says how: each system decides what a failure means (ENCODE throws, GDC keeps the
 * upload for a resume).
 */
export async function sendPartsBounded(parts: AsyncIterable<Buffer>, loop: PartLoop): Promise<PartLoopEnd> {
  const { pool, held } = loop;
  const etags = new Map<number, string>();
  const inflight = new Set<Promise<void>>();
  let partFailure: PartLoopEnd['partFailure'] = null;
  let sourceError: unknown = undefined;
  let reused = 0;
  let reusedBytes = 0;
  let read = 0;
  try {
    for await (const part of parts) {
      // A part failed while this one was read: nothing more goes to an upload that is failing.
      if (partFailure) break;
      const n = ++read;
      const had = held.get(n);
      if (had && had.size === part.length && unquoteEtag(had.etag) === partEtag(part)) {
        const etag = unquoteEtag(had.etag);
        etags.set(n, etag);
        reused++;
        reusedBytes += part.length;
        pool.give(part);
        await loop.onPart?.(n, part.length, etag, false);
        continue;
      }
      const sending = loop
        .send(n, part)
        .then(async (answered) => {
          const etag = unquoteEtag(answered);
          etags.set(n, etag);
          // Answered, so the request no longer holds the bytes (a failed part's buffer is left to GC).
          pool.give(part);
          await loop.onPart?.(n, part.length, etag, true);
        })
        .catch((error: unknown) => void (partFailure ??= { partNumber: n, error }))
        .finally(() => inflight.delete(sending));
      inflight.add(sending);
      if (inflight.size >= loop.parallel) await Promise.race(inflight);
      if (partFailure) break;
    }
  } catch (err) {
    sourceError = err ?? new Error('the source of the parts failed');
  }
  await Promise.all(inflight);
  const sorted = [...etags].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
  return { parts: sorted, reused, reusedBytes, read, partFailure, sourceError };
}
