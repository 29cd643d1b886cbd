import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { FileUpload } from 'graphql-upload-minimal';
import { Md5OffThread } from './md5-off-thread';

export interface UploadLimits {
  /** The largest data file accepted (`MAX_DATA_FILE_BYTES`); documents have their own, smaller limit. */
  maxDataFileBytes: number;
}

/** Why the bytes of an upload were refused before anything was completed upstream. */
export type RefusalKind = 'too-large' | 'size' | 'md5';

export class UploadRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    /** The record properties the refusal is about. */
    readonly keys: string[],
  ) {
    super(message);
    this.name = 'UploadRefused';
  }
}

export interface MeterOptions {
  /** The most bytes accepted, and the setting that sets it (named in the error). */
  limit: { bytes: number; setting: string };
  /** The size and md5 the bytes must have (the record's); null = not checked. */
  expectedBytes: number | null;
  expectedMd5: string | null;
  /** True when the source was cut short at a size limit (busboy's `truncated`). */
  truncated?: () => boolean;
}

/**
 * Passes the bytes through while counting them and computing their md5. It fails the stream (so
 * whatever reads it never sees a clean end) as soon as the bytes exceed the expected size or the
 * limit, and at the end when the source was truncated or the size or md5 differ: an S3 multipart
 * upload reading from it is then aborted instead of completed.
 */
export class UploadMeter extends Transform {
  bytes = 0;
  /** Hex md5 of everything that passed, once the stream has ended. */
  md5: string | null = null;
  /** On a worker thread (./md5-off-thread.ts): the event loop stays free for other callers. */
  private readonly hash = new Md5OffThread();

  constructor(private readonly options: MeterOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    const { limit, expectedBytes } = this.options;
    if (this.bytes > limit.bytes) return done(tooLarge(limit));
    if (expectedBytes !== null && this.bytes > expectedBytes) {
      return done(new UploadRefused('size', `The file has more bytes than the record's file_size (${expectedBytes})`, ['file_size']));
    }
    const wait = this.hash.update(chunk);
    if (!wait) return done(null, chunk);
    wait.then(() => done(null, chunk), done);
  }

  override _destroy(err: Error | null, done: (error: Error | null) => void): void {
    this.hash.discard();
    done(err);
  }

  /** The source was cut at its size limit: fail now, whatever has passed. */
  cutAtLimit(): void {
    this.destroy(tooLarge(this.options.limit));
  }

  override _flush(done: TransformCallback): void {
    const { limit, truncated } = this.options;
    if (truncated?.()) return done(tooLarge(limit));
    this.hash.digest().then((md5) => {
      this.md5 = md5;
      done(this.mismatch());
    }, done);
  }

  /** Why the bytes are not the record's, once their md5 is known; null when they are. */
  private mismatch(): UploadRefused | null {
    const { expectedBytes, expectedMd5 } = this.options;
    if (expectedBytes !== null && this.bytes !== expectedBytes) {
      return new UploadRefused('size', `The file has ${this.bytes} bytes; the record's file_size is ${expectedBytes}`, ['file_size']);
    }
    if (expectedMd5 !== null && this.md5 !== expectedMd5.toLowerCase()) {
      return new UploadRefused('md5', `The md5 of the file's bytes is ${this.md5}; the record's md5sum is ${expectedMd5.toLowerCase()}`, ['md5sum']);
    }
    return null;
  }
}

function tooLarge(limit: MeterOptions['limit']): UploadRefused {
  return new UploadRefused('too-large', `The file is larger than the ${limit.bytes}-byte limit for data files (${limit.setting})`, ['file']);
}

export interface OpenUpload {
  filename: string;
  stream: Readable;
  /** True once the stream was cut at the size limit. */
  truncated: () => boolean;
}

/**
 * The uploaded file's stream. graphql-upload-minimal cuts a file at its `maxFileSize` without an
 * error: busboy flags the stream `truncated` and emits `limit`, on which graphql-upload-minimal
 * unpipes the stream from everything (so a piped reader would wait forever).
 */
export async function openUpload(upload: Promise<FileUpload> | FileUpload): Promise<OpenUpload> {
  const file = await upload;
  const stream = file.createReadStream() as Readable & { truncated?: boolean };
  return { filename: file.filename, stream, truncated: () => stream.truncated === true };
}

/** Feeds an upload into a meter: errors and the size limit fail the meter instead of stalling it. */
export function feed(source: OpenUpload, meter: UploadMeter): void {
  source.stream.on('error', (err) => meter.destroy(err));
  source.stream.once('limit', () => meter.cutAtLimit());
  source.stream.pipe(meter);
}

/**
 * Reads the rest of an upload and throws it away, so a client still sending gets its answer
 * instead of a broken connection; the gateway keeps none of it.
 */
export function discard(stream: Readable): void {
  stream.unpipe();
  stream.on('error', () => undefined);
  stream.resume();
}
