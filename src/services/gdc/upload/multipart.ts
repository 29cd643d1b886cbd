import { createHash } from 'node:crypto';
import type { GdcFilesClient, GdcPart } from '../../../datasources/gdc/files';
import { GdcFileRefusal } from '../../../datasources/gdc/files';
import type { GdcProjectRef } from '../../../datasources/gdc/models';
import type { PartPool } from '../../../datasources/s3/parts';
import type { UploadState } from '../../upload-state';

export type PartsOutcome =
  | { kind: 'sent'; uploadId: string; parts: { partNumber: number; etag: string }[]; reused: number }
  | { kind: 'interrupted'; uploadId: string; uploaded: number; reason: string };

/** Tries per part before the upload stops (to be resumed): gdc-client retries each part too. */
const PART_ATTEMPTS = 4;
const RETRY_BASE_MS = 200;

/**
 * The parts of a file to an S3 multipart upload through GDC's files endpoint: a new upload, or
 * the one a previous try left open (its listed parts with the same number, size and md5 are not
 * sent again). At most `parallelParts` parts are in flight, and their buffers are reused, so memory
 * stays at partBytes × (parallelParts + 1) whatever the file's size; each part is retried on its own.
 */
export async function sendParts(
  deps: { api: { files: GdcFilesClient }; parallelParts: number },
  project: GdcProjectRef,
  id: string,
  state: UploadState,
  pool: PartPool,
  parts: AsyncIterable<Buffer>,
): Promise<PartsOutcome> {
  const files = deps.api.files;
  const { uploadId, listed } = await openUpload(files, project, id, state, pool.partBytes);
  const done = new Map<number, string>();
  const inflight = new Set<Promise<void>>();
  let failure: string | null = null;
  let reused = 0;
  let partNumber = 0;
  try {
    for await (const part of parts) {
      partNumber++;
      const have = listed.get(partNumber);
      if (have && have.size === part.length && stripQuotes(have.etag) === md5(part)) {
        done.set(partNumber, have.etag);
        reused++;
        pool.give(part);
        continue;
      }
      const n = partNumber;
      const sending = sendPart(files, project, id, uploadId, n, part)
        .then((etag) => {
          done.set(n, etag);
          // Answered, so the request no longer holds the bytes (a failed part's buffer is left to GC).
          pool.give(part);
        })
        .catch((err: Error) => void (failure ??= `Part ${n} failed after ${PART_ATTEMPTS} tries: ${err.message}`))
        .finally(() => inflight.delete(sending));
      inflight.add(sending);
      if (inflight.size >= deps.parallelParts) await Promise.race(inflight);
      if (failure) break;
    }
  } catch (err) {
    await Promise.all(inflight);
    // Bytes beyond the entity's file_size: this upload can never be right, so it is not kept for a resume.
    if ((err as Error).name === 'SizeError') {
      await files.abort(project, id, uploadId).catch(() => undefined);
      await state.clear();
      throw err;
    }
    // The caller's bytes stopped coming (a broken connection): what was sent stays for a resume.
    failure ??= `The upload stopped after ${partNumber} part(s): ${(err as Error).message}`;
  }
  await Promise.all(inflight);
  if (failure) return { kind: 'interrupted', uploadId, uploaded: done.size, reason: failure };
  const sent = [...done].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
  return { kind: 'sent', uploadId, parts: sent, reused };
}

/** The upload a previous try left open (and its parts), or a new one. */
async function openUpload(files: GdcFilesClient, project: GdcProjectRef, id: string, state: UploadState, partBytes: number): Promise<{ uploadId: string; listed: Map<number, GdcPart> }> {
  const saved = await state.load();
  if (saved && saved.partBytes === partBytes) {
    try {
      const listed = await files.listParts(project, id, saved.uploadId);
      return { uploadId: saved.uploadId, listed: new Map(listed.map((p) => [p.partNumber, p])) };
    } catch (err) {
      if (!(err instanceof GdcFileRefusal)) throw err;
      // Gone (completed, aborted or expired upstream): start again.
    }
  } else if (saved) {
    // Cut into parts of another size: its parts cannot be reused.
    await files.abort(project, id, saved.uploadId).catch(() => undefined);
  }
  const uploadId = await files.initiate(project, id);
  await state.save({ uploadId, partBytes });
  return { uploadId, listed: new Map() };
}

async function sendPart(files: GdcFilesClient, project: GdcProjectRef, id: string, uploadId: string, partNumber: number, part: Buffer): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await files.uploadPart(project, id, uploadId, partNumber, part);
    } catch (err) {
      // GDC's own refusals (file_state, permissions) will not change on a retry.
      const permanent = err instanceof GdcFileRefusal && err.status < 500 && err.status !== 429 && err.status !== 408;
      if (permanent || attempt >= PART_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));
    }
  }
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

function stripQuotes(etag: string): string {
  return etag.replace(/^"|"$/g, '').toLowerCase();
}
