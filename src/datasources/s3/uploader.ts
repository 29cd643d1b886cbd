import type { Readable } from 'node:stream';
import './sdk-node-warning';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { multipartEtag } from '../../rules/s3/etag';

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
}

export interface S3UploadOutcome {
  etag: string;
  parts: number;
}

export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MiB = 1024 * 1024;

/** An S3 request failed: S3's error code and message, kept for the caller. */
export class S3UploadError extends Error {
  constructor(
    readonly code: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'S3UploadError';
  }
}

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
 * Streams bytes to S3 with lib-storage: one PUT below the part size, else a multipart upload whose
 * parts go in parallel. A single PUT carries the record's md5 as Content-MD5, so S3 itself refuses
 * other bytes; a multipart upload is checked by the caller's meter before S3 completes it (any
 * failure aborts it, so nothing is left complete). Parts carry no md5 of their own: hashing every
 * byte twice cost 40% of the gateway's CPU, and TLS already guards each part in transit. The ETag
 * S3 answers must be the md5 of the part ETags it answered (or the file's md5 for one PUT).
 */
export class S3Uploader {
  constructor(private readonly settings: S3Settings) {}

  async upload(request: S3UploadRequest): Promise<S3UploadOutcome> {
    const client = this.client(request.credentials);
    const partEtags = new Map<number, string>();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { PartNumber?: number; ContentMD5?: string };
        if (context.commandName === 'PutObjectCommand') input.ContentMD5 = Buffer.from(request.md5, 'hex').toString('base64');
        const result = await next(args);
        const etag = (result.output as { ETag?: string }).ETag;
        if (context.commandName === 'UploadPartCommand' && input.PartNumber && etag) partEtags.set(input.PartNumber, etag.replace(/"/g, ''));
        return result;
      },
      { step: 'initialize', name: 'submissionGatewayUploadChecks' },
    );
    const { partBytes, parallel } = planParts(this.settings, request.size);
    const upload = new Upload({
      client,
      params: { Bucket: request.location.bucket, Key: request.location.key, Body: request.body },
      partSize: partBytes,
      queueSize: parallel,
      leavePartsOnError: false,
    });
    try {
      const result = await upload.done();
      const etag = (result.ETag ?? '').replace(/"/g, '');
      const parts = [...partEtags.entries()].sort(([a], [b]) => a - b).map(([, e]) => e);
      const expected = parts.length ? multipartEtag(parts) : request.md5.toLowerCase();
      if (etag !== expected) {
        throw new S3UploadError('ETagMismatch', null, `S3 answered ETag ${etag || '(none)'} where ${parts.length ? 'its parts give' : 'the bytes give'} ${expected}`);
      }
      return { etag, parts: parts.length || 1 };
    } catch (err) {
      throw asUploadError(err);
    } finally {
      client.destroy();
    }
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
