import type { GdcFilesClient, GdcPart } from '../../../datasources/gdc/files';
import { GdcFileRefusal } from '../../../datasources/gdc/files';
import type { GdcProjectRef } from '../../../datasources/gdc/models';
import type { PartPool } from '../../../datasources/s3/parts';
import { sendPartsBounded } from '../../../datasources/s3/part-loop';
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
 * sent again), through the one bounded loop (datasources/s3/part-loop); each part is retried on
 * its own, as gdc-client does.
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
  const end = await sendPartsBounded(parts, {
    pool,
    parallel: deps.parallelParts,
    held: listed,
    send: (n, part) => sendPart(files, project, id, uploadId, n, part),
  });
  let failure: string | null = null;
  if (end.partFailure) failure = `Part ${end.partFailure.partNumber} failed after ${PART_ATTEMPTS} tries: ${(end.partFailure.error as Error).message}`;
  if (end.sourceError !== undefined) {
    // Bytes beyond the entity's file_size: this upload can never be right, so it is not kept for a resume.
    if ((end.sourceError as Error).name === 'SizeError') {
      await files.abort(project, id, uploadId).catch(() => undefined);
      await state.clear();
      throw end.sourceError;
    }
    // The caller's bytes stopped coming (a broken connection): what was sent stays for a resume.
    failure ??= `The upload stopped after ${end.read} part(s): ${(end.sourceError as Error).message}`;
  }
  if (failure) return { kind: 'interrupted', uploadId, uploaded: end.parts.length, reason: failure };
  // Quoted, as S3 answered them and as gdc-client sends them back.
  const sent = end.parts.map(({ partNumber, etag }) => ({ partNumber, etag: `"${etag}"` }));
  return { kind: 'sent', uploadId, parts: sent, reused: end.reused };
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
