import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3RequestError } from './errors';
import type { PartPool } from './parts';

/** A part S3 answered: its ETag is the hex md5 of its bytes. */
export interface RememberedPart {
  partNumber: number;
  size: number;
  etag: string;
}

/** An unfinished multipart upload, as kept between tries (GDC keeps only the id and part size). */
export interface RememberedUpload {
  uploadId: string;
  partBytes: number;
  bucket?: string;
  key?: string;
  parts?: RememberedPart[];
}

/**
 * Where an upload is remembered while it goes (src/services/upload-state): the upload when it is
 * opened, each part as S3 answers it, nothing once it is complete. ENCODE's credentials grant only
 * s3:PutObject, so S3 cannot be asked which parts it holds: this is the only record of them.
 */
export interface MultipartMemory {
  load(): Promise<RememberedUpload | null>;
  save(upload: RememberedUpload): Promise<void>;
  savePart(part: RememberedPart): Promise<void>;
  clear(): Promise<void>;
}

export const NO_MEMORY: MultipartMemory = {
  load: async () => null,
  save: async () => undefined,
  savePart: async () => undefined,
  clear: async () => undefined,
};

export interface MultipartJob {
  client: S3Client;
  bucket: string;
  key: string;
  pool: PartPool;
  parallel: number;
  memory: MultipartMemory;
  /** Told the bytes in S3 so far (an earlier try's parts as they are recognised, then each part answered). */
  onProgress?: (bytes: number) => void;
}

export interface MultipartSent {
  etag: string;
  parts: { partNumber: number; etag: string }[];
  /** Parts (and their bytes) an earlier try had sent, not sent again. */
  reused: number;
  reusedBytes: number;
}

/**
 * The upload an earlier try left is gone from S3 (completed, aborted or expired: NoSuchUpload). Its
 * memory is cleared; the file must be sent from its first byte again.
 */
export class ResumedUploadGone extends Error {
  constructor(readonly uploadId: string) {
    super(`S3 no longer has the multipart upload an earlier try left (NoSuchUpload: expired, aborted or completed)`);
    this.name = 'ResumedUploadGone';
  }
}

/**
 * The parts of a file to one S3 multipart upload, with client-s3's low-level commands: a new upload,
 * or the one an earlier try of the same file left (same bucket, key and part size), whose remembered
 * parts are not sent again when the local bytes have the same size and md5 as S3's ETag for them.
 * At most `parallel` parts are in flight and their buffers are reused (memory: part size × parallel
 * + the part being read). On an S3 failure or a broken source the upload stays open and remembered,
 * for the next try; the caller completes nothing it has not checked (the source throws first).
 */
export async function sendMultipart(job: MultipartJob, parts: AsyncIterable<Buffer>): Promise<MultipartSent> {
  const { client, bucket, key, pool, memory } = job;
  const { uploadId, known } = await openUpload(job);
  const resumed = known !== null;
  const etags = new Map<number, string>();
  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  let reused = 0;
  let reusedBytes = 0;
  let partNumber = 0;
  let inS3 = 0;
  const landed = (bytes: number) => job.onProgress?.((inS3 += bytes));
  try {
    for await (const part of parts) {
      // A part failed while this one was read: nothing more goes to an upload that is failing.
      if (failure) break;
      const n = ++partNumber;
      const had = known?.get(n);
      if (had && had.size === part.length && had.etag === md5(part)) {
        etags.set(n, had.etag);
        reused++;
        reusedBytes += part.length;
        landed(part.length);
        pool.give(part);
        continue;
      }
      const sending = client
        .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: part, ContentLength: part.length }))
        .then(async (out) => {
          const etag = unquote(out.ETag);
          etags.set(n, etag);
          landed(part.length);
          // Answered, so the request no longer holds the bytes (a failed part's buffer is left to GC).
          pool.give(part);
          await memory.savePart({ partNumber: n, size: part.length, etag }).catch(unremembered);
        })
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => inflight.delete(sending));
      inflight.add(sending);
      if (inflight.size >= job.parallel) await Promise.race(inflight);
      if (failure) break;
    }
  } finally {
    // The source's own error (a refused md5 or size, a caller gone) passes on once nothing is in flight.
    await Promise.all(inflight);
  }
  if (failure) throw await gone(failure, resumed, uploadId, memory);
  const sent = [...etags].sort(([a], [b]) => a - b).map(([n, etag]) => ({ partNumber: n, etag }));
  let out;
  try {
    out = await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: sent.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) } }),
    );
  } catch (err) {
    throw await gone(err, resumed, uploadId, memory);
  }
  // Complete: the upload id is spent whatever the ETag check below says.
  await memory.clear().catch(unremembered);
  return { etag: unquote(out.ETag), parts: sent, reused, reusedBytes };
}

/**
 * Forgets an upload that can never be right (its bytes were refused): an abort is attempted, but
 * ENCODE's credentials do not allow one (AccessDenied) and that is no failure; S3's bucket rules
 * expire what is left.
 */
export async function forgetMultipart(client: S3Client, memory: MultipartMemory): Promise<void> {
  const saved = await memory.load().catch(() => null);
  if (saved?.bucket && saved.key) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: saved.bucket, Key: saved.key, UploadId: saved.uploadId })).catch(() => undefined);
  }
  await memory.clear();
}

/** The upload an earlier try left (and its parts, by number), or a new one remembered from now on. */
async function openUpload(job: MultipartJob): Promise<{ uploadId: string; known: Map<number, RememberedPart> | null }> {
  const { client, bucket, key, pool, memory } = job;
  const saved = await memory.load();
  if (saved && saved.bucket === bucket && saved.key === key && saved.partBytes === pool.partBytes) {
    return { uploadId: saved.uploadId, known: new Map((saved.parts ?? []).map((p) => [p.partNumber, p])) };
  }
  // Another key or part size: its parts cannot be reused.
  if (saved) await forgetMultipart(client, memory);
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })).catch((err: unknown) => {
    throw s3RequestError(err);
  });
  const uploadId = created.UploadId!;
  await memory.save({ uploadId, partBytes: pool.partBytes, bucket, key, parts: [] }).catch(unremembered);
  return { uploadId, known: null };
}

/**
 * The resume record could not be written (a full disk): the upload goes on regardless, and a later
 * try sends again what it does not know of (or meets NoSuchUpload for a stale id, and starts over).
 */
function unremembered(): void {}

/** NoSuchUpload on a resumed upload: it is forgotten, and the caller starts over; anything else an S3UploadError. */
async function gone(err: unknown, resumed: boolean, uploadId: string, memory: MultipartMemory): Promise<unknown> {
  if (resumed && err instanceof S3ServiceException && err.name === 'NoSuchUpload') {
    await memory.clear().catch(unremembered);
    return new ResumedUploadGone(uploadId);
  }
  return s3RequestError(err);
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '').toLowerCase();
}
