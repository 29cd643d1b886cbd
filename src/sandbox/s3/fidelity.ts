import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { multipartEtag, unquoteEtag } from '../../rules/s3/etag';

// s3rver's error class renders S3's XML error envelope with the right status; no types shipped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string, detail?: Record<string, unknown>) => Error;

/** S3 refuses parts below 5 MiB at completion, except the last one. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** The part of s3rver's FilesystemStore this layer wraps (s3rver 3.7). */
export interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  putObject(object: StoreObject): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<{ size: number; md5: string }>;
  putObjectMultipart(bucket: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<{ size: number; md5: string }>;
}

interface StoreObject {
  bucket: string;
  key: string;
  content: (Readable & { headers?: Record<string, string | string[] | undefined> }) | Buffer | null;
  metadata: Record<string, unknown>;
}

/**
 * Makes s3rver answer like S3 where clients can tell the difference, without forking it: the
 * store's writes are wrapped so that
 * - a PUT or part whose body does not match its `Content-MD5` is refused (`BadDigest`) and stores
 *   nothing (a previous object or part under the same name stays as it was);
 * - completing a multipart upload checks the parts as S3 does (known part, matching ETag, ascending
 *   order, 5 MiB minimum but for the last) and gives the object S3's `<md5 of part md5s>-N` ETag,
 *   where s3rver gives the md5 of the whole object.
 */
export function applyS3Fidelity(store: FilesystemStore): void {
  const putObject = store.putObject.bind(store);
  const putPart = store.putPart.bind(store);
  const putObjectMultipart = store.putObjectMultipart.bind(store);

  store.putObject = async (object) => {
    const header = contentMd5Of(object.content);
    if (header === undefined || !object.content || Buffer.isBuffer(object.content)) return putObject(object);
    const expected = decodeContentMd5(header);
    const target = store.getResourcePath(object.bucket, object.key, 'object');
    // Written beside the object under a name s3rver does not list, and moved over it only when it
    // matches, so a refused PUT never replaces or exposes anything.
    const incoming = `${target}.incoming-${randomBytes(6).toString('hex')}`;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const hash = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(object.content, measure, fs.createWriteStream(incoming));
    } catch (err) {
      await fs.promises.rm(incoming, { force: true });
      throw err;
    }
    const md5 = hash.digest('hex');
    if (md5 !== expected) {
      await fs.promises.rm(incoming, { force: true });
      throw badDigest(header, md5);
    }
    await fs.promises.rename(incoming, target);
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const header = contentMd5Of(content);
    const dir = uploadDir(store, bucket, uploadId);
    if (!fs.existsSync(dir)) throw noSuchUpload(uploadId);
    if (header === undefined) return putPart(bucket, uploadId, partNumber, content);
    const expected = decodeContentMd5(header);
    const name = String(partNumber);
    const incoming = `${name}.incoming-${randomBytes(6).toString('hex')}`;
    const stored = await putPart(bucket, uploadId, incoming, content);
    const [from, to] = [path.join(dir, incoming), path.join(dir, name)];
    if (stored.md5 !== expected) {
      await Promise.all([fs.promises.rm(from, { force: true }), fs.promises.rm(`${from}.md5`, { force: true })]);
      throw badDigest(header, stored.md5);
    }
    await fs.promises.rename(from, to);
    await fs.promises.rename(`${from}.md5`, `${to}.md5`);
    return stored;
  };

  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const dir = uploadDir(store, bucket, uploadId);
    if (!fs.existsSync(dir)) throw noSuchUpload(uploadId);
    const key = await fs.promises.readFile(path.join(dir, 'key'), 'utf8');
    const md5s = await checkParts(dir, parts);
    const stored = await putObjectMultipart(bucket, uploadId, parts);
    const etag = multipartEtag(md5s);
    await fs.promises.writeFile(store.getResourcePath(bucket, key, 'object.md5'), etag);
    return { size: stored.size, md5: etag };
  };
}

/** What S3 checks at CompleteMultipartUpload, in its order; answers the parts' md5s. */
async function checkParts(dir: string, parts: { number: number; etag: string }[]): Promise<string[]> {
  const md5s: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (i > 0 && part.number <= parts[i - 1].number) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
    }
    const file = path.join(dir, String(part.number));
    const md5 = await fs.promises.readFile(`${file}.md5`, 'utf8').catch(() => null);
    if (md5 === null || md5 !== unquoteEtag(part.etag)) {
      throw new S3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { UploadId: path.basename(dir), PartNumber: part.number, ETag: part.etag },
      );
    }
    const size = (await fs.promises.stat(file)).size;
    if (i < parts.length - 1 && size < MIN_PART_BYTES) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
        ProposedSize: size,
        MinSizeAllowed: MIN_PART_BYTES,
        PartNumber: part.number,
        ETag: part.etag,
      });
    }
    md5s.push(md5);
  }
  return md5s;
}

function uploadDir(store: FilesystemStore, bucket: string, uploadId: string): string {
  return path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}

function contentMd5Of(content: StoreObject['content']): string | undefined {
  const value = content && !Buffer.isBuffer(content) ? content.headers?.['content-md5'] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

/** `Content-MD5` is the base64 of the 16 binary md5 bytes; anything else is `InvalidDigest`. */
function decodeContentMd5(header: string): string {
  const bytes = Buffer.from(header, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== header.trim()) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': header });
  }
  return bytes.toString('hex');
}

function badDigest(header: string, md5: string): Error {
  return new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
    ExpectedDigest: header,
    CalculatedDigest: Buffer.from(md5, 'hex').toString('base64'),
  });
}

function noSuchUpload(uploadId: string): Error {
  return new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );
}
