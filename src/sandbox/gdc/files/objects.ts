import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ObjectSnapshot {
  objects: StoredObject[];
  uploads: { id: string; key: string; parts: (Part & { path: string })[] }[];
}

/** S3 refuses to complete an upload whose parts, all but the last, are smaller than this. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const UPLOAD_ID_LENGTH = 64;
const UPLOAD_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of the alphabet's size below 256: bytes from it up are drawn again, so no letter is likelier. */
const UNBIASED_BELOW = 256 - (256 % UPLOAD_ID_CHARS.length);

/**
 * An upload id of letters and digits, like S3's. Never base64url: gdc-client resumes with
 * `-u <id>`, and an id that starts with `-` is read as another option.
 */
export function newUploadId(): string {
  let id = '';
  while (id.length < UPLOAD_ID_LENGTH) {
    for (const byte of randomBytes(UPLOAD_ID_LENGTH)) {
      if (byte < UNBIASED_BELOW && id.length < UPLOAD_ID_LENGTH) id += UPLOAD_ID_CHARS[byte % UPLOAD_ID_CHARS.length];
    }
  }
  return id;
}

export interface StoredObject {
  key: string;
  path: string;
  size: number;
  /** md5 of the whole object, hex. */
  md5: string;
  /** S3's ETag: the md5 for a single PUT, md5-of-part-md5s "-N" for a multipart upload. */
  etag: string;
  lastModified: Date;
}

export interface Part {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
}

interface Upload {
  key: string;
  parts: Map<number, Part & { path: string }>;
}

/** An S3-style failure: code, status and message as S3 words them. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const noSuchUpload = (uploadId: string) =>
  new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
    UploadId: uploadId,
  });

/**
 * The sandbox's object storage for GDC data files: objects and multipart parts are streamed to files
 * under one folder (a temporary one unless given, made on first use), hashed on the way, never held in
 * memory; md5 and size of each stored object stay available for checks.
 */
export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly uploads = new Map<string, Upload>();
  private dir: string | null;
  private readonly temporary: boolean;
  private counter = 0;

  constructor(directory?: string | null) {
    this.dir = directory ?? null;
    this.temporary = !directory;
  }

  private folder(): string {
    if (!this.dir) this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'submission-gateway-gdc-files-'));
    fs.mkdirSync(path.join(this.dir, 'parts'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'objects'), { recursive: true });
    return this.dir;
  }

  private tempPath(): string {
    return path.join(this.folder(), `incoming-${process.pid}-${++this.counter}-${randomBytes(4).toString('hex')}`);
  }

  /** Streams `source` to a new file, hashing it; a failed or cut-off stream leaves nothing behind. */
  private async receive(source: Readable): Promise<{ path: string; size: number; md5: string }> {
    const target = this.tempPath();
    const hash = createHash('md5');
    let size = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        fs.createWriteStream(target),
      );
    } catch (err) {
      fs.rmSync(target, { force: true });
      throw err;
    }
    return { path: target, size, md5: hash.digest('hex') };
  }

  object(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  async put(key: string, source: Readable): Promise<StoredObject> {
    const received = await this.receive(source);
    return this.store(key, received.path, received.size, received.md5, received.md5);
  }

  private store(key: string, from: string, size: number, md5: string, etag: string): StoredObject {
    const final = path.join(this.folder(), 'objects', encodeURIComponent(key));
    fs.renameSync(from, final);
    const object: StoredObject = { key, path: final, size, md5, etag, lastModified: new Date() };
    this.objects.set(key, object);
    return object;
  }

  delete(key: string): void {
    const object = this.objects.get(key);
    if (object) fs.rmSync(object.path, { force: true });
    this.objects.delete(key);
  }

  initiate(key: string): string {
    const uploadId = newUploadId();
    this.uploads.set(uploadId, { key, parts: new Map() });
    return uploadId;
  }

  private upload(key: string, uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  /** Whether `uploadId` is an upload in progress for `key`. */
  hasUpload(key: string, uploadId: string): boolean {
    return this.uploads.get(uploadId)?.key === key;
  }

  async putPart(key: string, uploadId: string, partNumber: number, source: Readable): Promise<Part> {
    this.upload(key, uploadId);
    const received = await this.receive(source);
    // Aborted or completed while the bytes were arriving: the part has nowhere to go.
    const upload = this.uploads.get(uploadId);
    if (!upload) {
      fs.rmSync(received.path, { force: true });
      throw noSuchUpload(uploadId);
    }
    const previous = upload.parts.get(partNumber);
    const partPath = path.join(this.folder(), 'parts', `${uploadId}-${partNumber}`);
    fs.renameSync(received.path, partPath);
    if (previous && previous.path !== partPath) fs.rmSync(previous.path, { force: true });
    const part = { partNumber, etag: `"${received.md5}"`, size: received.size, lastModified: new Date(), path: partPath };
    upload.parts.set(partNumber, part);
    return part;
  }

  parts(key: string, uploadId: string): Part[] {
    const upload = this.upload(key, uploadId);
    return [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber).map(({ path: _p, ...part }) => part);
  }

  /**
   * S3's CompleteMultipartUpload: the listed parts, ascending, each known with that ETag, all but the last
   * at least 5 MiB, concatenated by streaming into the object.
   */
  async complete(key: string, uploadId: string, requested: { partNumber: number; etag: string }[]): Promise<StoredObject> {
    const upload = this.upload(key, uploadId);
    if (!requested.length) throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const chosen = requested.map((r, i) => {
      if (i > 0 && r.partNumber <= requested[i - 1].partNumber) {
        throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
      }
      const part = upload.parts.get(r.partNumber);
      if (!part || unquote(part.etag) !== unquote(r.etag)) {
        throw new S3Error(
          400,
          'InvalidPart',
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          { UploadId: uploadId, PartNumber: String(r.partNumber), ETag: r.etag },
        );
      }
      return part;
    });
    const small = chosen.slice(0, -1).find((p) => p.size < MIN_PART_BYTES);
    if (small) {
      throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: String(small.size),
        MinSizeAllowed: String(MIN_PART_BYTES),
        PartNumber: String(small.partNumber),
      });
    }
    this.uploads.delete(uploadId);
    const target = this.tempPath();
    const whole = createHash('md5');
    const ofParts = createHash('md5');
    let size = 0;
    try {
      // One pipeline for the whole object: a pipeline per part into the same file (`end: false`)
      // leaves an error listener on it each time (11 parts: MaxListenersExceededWarning).
      await pipeline(async function* () {
        for (const part of chosen) {
          ofParts.update(Buffer.from(unquote(part.etag), 'hex'));
          for await (const chunk of fs.createReadStream(part.path)) {
            whole.update(chunk as Buffer);
            size += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
        }
      }, fs.createWriteStream(target));
    } catch (err) {
      fs.rmSync(target, { force: true });
      this.uploads.set(uploadId, upload);
      throw err;
    }
    this.discardParts(upload);
    return this.store(key, target, size, whole.digest('hex'), `${ofParts.digest('hex')}-${chosen.length}`);
  }

  abort(key: string, uploadId: string): void {
    const upload = this.upload(key, uploadId);
    this.uploads.delete(uploadId);
    this.discardParts(upload);
  }

  private discardParts(upload: Upload): void {
    for (const part of upload.parts.values()) fs.rmSync(part.path, { force: true });
  }

  /** What the maps hold (the bytes are files already); a temporary store has nothing to keep. */
  snapshot(): ObjectSnapshot {
    return {
      objects: [...this.objects.values()],
      uploads: [...this.uploads].map(([id, u]) => ({ id, key: u.key, parts: [...u.parts.values()] })),
    };
  }

  /** Reloads the maps, keeping only what is still on disk. */
  restore(state: ObjectSnapshot): void {
    for (const o of state.objects) if (fs.existsSync(o.path)) this.objects.set(o.key, { ...o, lastModified: new Date(o.lastModified) });
    for (const u of state.uploads) {
      const parts = u.parts.filter((p) => fs.existsSync(p.path)).map((p) => [p.partNumber, { ...p, lastModified: new Date(p.lastModified) }] as const);
      this.uploads.set(u.id, { key: u.key, parts: new Map(parts) });
    }
  }

  /** Removes the folder when the store made it. */
  close(): void {
    if (this.temporary && this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = this.temporary ? null : this.dir;
    this.objects.clear();
    this.uploads.clear();
  }
}

function unquote(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}
