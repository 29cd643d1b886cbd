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
import { sendPartsBounded } from './part-loop';
import { unquoteEtag } from '../../rules/s3/etag';
import { type PayloadSigning, withPayloadHash } from './payload-hash';

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
  /** How each part's bytes enter its signature (./payload-hash). */
  signing: PayloadSigning;
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
 * Parts go through the one bounded loop (./part-loop). On an S3 failure or a broken source the
 * upload stays open and remembered, for the next try; the caller completes nothing it has not
 * checked (the source throws first).
 */
export async function sendMultipart(job: MultipartJob, parts: AsyncIterable<Buffer>): Promise<MultipartSent> {
  const { client, bucket, key, pool, memory } = job;
  const { uploadId, known } = await openUpload(job);
  const resumed = known !== null;
  let inS3 = 0;
  const end = await sendPartsBounded(parts, {
    pool,
    parallel: job.parallel,
    held: known ?? new Map(),
    send: async (n, part) => {
      const command = new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: part, ContentLength: part.length });
      const out = await client.send(await withPayloadHash(command, part, job.signing));
      return out.ETag ?? '';
    },
    onPart: async (partNumber, size, etag, sent) => {
      job.onProgress?.((inS3 += size));
      if (sent) await memory.savePart({ partNumber, size, etag }).catch(unremembered);
    },
  });
  // The source's own error (a refused md5 or size, a caller gone) passes on as it is.
  if (end.sourceError !== undefined) throw end.sourceError;
  if (end.partFailure) throw await gone(end.partFailure.error, resumed, uploadId, memory);
  let out;
  try {
    out = await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: end.parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) } }),
    );
  } catch (err) {
    throw await gone(err, resumed, uploadId, memory);
  }
  // Complete: the upload id is spent whatever the ETag check below says.
  await memory.clear().catch(unremembered);
  return { etag: unquoteEtag(out.ETag), parts: end.parts, reused: end.reused, reusedBytes: end.reusedBytes };
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
