import type { Readable } from 'node:stream';
import './sdk-node-warning';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { multipartEtag, unquoteEtag } from '../../rules/s3/etag';
import { s3RequestError, S3UploadError } from './errors';
import { forgetMultipart, type MultipartMemory, NO_MEMORY, sendMultipart } from './multipart';
import { fileParts, PartPool } from './parts';
import { type PayloadSigning, payloadSigningFor, withPayloadHash } from './payload-hash';

/** Where uploads go and how they are cut; see `planParts` for the memory bound. */
export interface S3Settings {
  /** Endpoint of an S3-compatible store (the sandbox's); null = AWS S3 itself. */
  endpoint: string | null;
  region: string;
  /** Part size of multipart uploads (S3's minimum is 5 MiB); smaller files go in one PUT. */
  partBytes: number;
  /** Parts sent at once. */
  parallelParts: number;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Location {
  bucket: string;
  key: string;
}

export interface S3UploadRequest {
  location: S3Location;
  credentials: S3Credentials;
  body: Readable;
  /** The md5 the object must have: sent as Content-MD5 on a single PUT so S3 refuses other bytes. */
  md5: string;
  /** The expected size, when known: picks the part size (S3 allows 10,000 parts). */
  size: number | null;
  /** Where a multipart upload is remembered for a resume; none: a failed upload is not resumed. */
  memory?: MultipartMemory;
  /** Told the bytes in S3 so far, multipart only (a resumed upload starts at what an earlier try sent). */
  onProgress?: (bytes: number) => void;
}

export interface S3UploadOutcome {
  etag: string;
  parts: number;
  /** Parts (and their bytes) an earlier try had sent, not sent again. */
  reused: number;
  reusedBytes: number;
}

export { S3UploadError };

export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MiB = 1024 * 1024;

/** `s3://bucket/key` as the ENCODE portal hands it out. */
export function parseS3Url(url: string): S3Location | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return m ? { bucket: m[1], key: m[2] } : null;
}

/**
 * Part size and parallel parts for a file: the configured ones, unless the file needs bigger parts
 * to fit in S3's 10,000; then fewer parts go at once so that part size × parallel parts (what the
 * upload holds in memory) stays at the configured product, but with two in flight at least.
 */
export function planParts(settings: Pick<S3Settings, 'partBytes' | 'parallelParts'>, size: number | null): { partBytes: number; parallel: number } {
  const base = Math.max(settings.partBytes, MIN_PART_BYTES);
  const needed = size === null ? 0 : Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  const partBytes = Math.max(base, needed);
  // Two at least when configured so: with one, reading the next part waits for the last to be sent.
  const parallel = Math.max(Math.min(2, settings.parallelParts), Math.floor((base * settings.parallelParts) / partBytes));
  return { partBytes, parallel };
}

/**
 * Streams bytes to S3: one PUT below the part size, else a multipart upload whose parts go in
 * parallel (./multipart.ts). A single PUT carries the record's md5 as Content-MD5, so S3 itself
 * refuses other bytes; a multipart upload is checked by the caller's meter (the body throws) before
 * S3 completes it. A multipart upload is remembered as it goes (`memory`), so that a try cut short
 * (S3 failing, the source breaking, the process killed) is resumed by the next try of the same file
 * with the missing parts only. Parts carry no md5 of their own: hashing every byte twice cost 40% of
 * the gateway's CPU, and TLS already guards each part in transit. The ETag S3 answers must be the
 * md5 of the part ETags (or the file's md5 for one PUT).
 */
export class S3Uploader {
  /** How parts and single PUTs are signed: decided by the endpoint, once (./payload-hash). */
  private readonly signing: PayloadSigning;

  constructor(private readonly settings: S3Settings) {
    this.signing = payloadSigningFor(settings.endpoint);
  }

  async upload(request: S3UploadRequest): Promise<S3UploadOutcome> {
    const client = this.client(request.credentials);
    const { partBytes, parallel } = planParts(this.settings, request.size);
    const pool = new PartPool(partBytes);
    const parts = fileParts(request.body, pool, () => undefined)[Symbol.asyncIterator]();
    try {
      const first = await parts.next();
      // Shorter than a part (or empty): the whole file is in hand, and goes in one PUT.
      if (first.done || first.value.length < partBytes) return await this.put(client, request, first.done ? Buffer.alloc(0) : first.value);
      const all = (async function* () {
        yield first.value;
        yield* { [Symbol.asyncIterator]: () => parts };
      })();
      const { location } = request;
      const sent = await sendMultipart({ client, ...location, pool, parallel, signing: this.signing, memory: request.memory ?? NO_MEMORY, onProgress: request.onProgress }, all);
      const expected = multipartEtag(sent.parts.map((p) => p.etag));
      if (sent.etag !== expected) throw new S3UploadError('ETagMismatch', null, `S3 answered ETag ${sent.etag || '(none)'} where its parts give ${expected}`);
      return { etag: sent.etag, parts: sent.parts.length, reused: sent.reused, reusedBytes: sent.reusedBytes };
    } catch (err) {
      throw asUploadError(err);
    } finally {
      client.destroy();
    }
  }

  /** Forgets the remembered upload of bytes that were refused (see forgetMultipart). */
  async forget(credentials: S3Credentials, memory: MultipartMemory): Promise<void> {
    const client = this.client(credentials);
    try {
      await forgetMultipart(client, memory);
    } finally {
      client.destroy();
    }
  }

  private async put(client: S3Client, request: S3UploadRequest, body: Buffer): Promise<S3UploadOutcome> {
    const { bucket, key } = request.location;
    const put = new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentMD5: Buffer.from(request.md5, 'hex').toString('base64') });
    const out = await client.send(await withPayloadHash(put, body, this.signing)).catch((err: unknown) => {
      throw s3RequestError(err);
    });
    const etag = unquoteEtag(out.ETag);
    const expected = request.md5.toLowerCase();
    if (etag !== expected) throw new S3UploadError('ETagMismatch', null, `S3 answered ETag ${etag || '(none)'} where the bytes give ${expected}`);
    return { etag, parts: 1, reused: 0, reusedBytes: 0 };
  }

  private client(credentials: S3Credentials): S3Client {
    const { endpoint, region } = this.settings;
    return new S3Client({
      region,
      credentials,
      ...(endpoint ? { endpoint, forcePathStyle: true } : { followRegionRedirects: true }),
      // Content-MD5 is set per request above; the SDK's default CRC32 would hash every byte again.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
  }
}

/** S3's own errors keep their code and message; the meter's refusals pass through as they are. */
function asUploadError(err: unknown): unknown {
  if (err instanceof S3ServiceException) {
    return new S3UploadError(err.name, err.$metadata?.httpStatusCode ?? null, `S3 answered ${err.name}: ${err.message}`);
  }
  return err;
}
