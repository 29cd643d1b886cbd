import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import '../../datasources/s3/sdk-node-warning';

/**
 * Files a request may make the gateway read: only under UPLOAD_ROOT, never larger than the upload
 * limit; `s3://` objects only in S3_SOURCE_BUCKETS (read with the gateway's own AWS credentials).
 */
export interface FileAccess {
  uploadRoot: string | null;
  maxBytes: number;
  s3Endpoint: string | null;
  /** S3_SOURCE_BUCKETS: none by default, so no `s3://` source is read at all. */
  s3SourceBuckets?: readonly string[];
}

export class FileAccessError extends Error {}

/**
 * The real path of `name` inside UPLOAD_ROOT (relative names are taken from there). Anything else
 * is refused — a remote caller must never make the gateway read an arbitrary file — including
 * symbolic links that lead out of the root. A path outside the root gets one answer whether it
 * exists or not (`/etc/shadow` and `/nonexistent` alike), decided before the file system is asked,
 * so neither the message nor the time tells what exists outside the root.
 */
export async function underUploadRoot(name: string, root: string | null): Promise<string> {
  if (!root) throw new FileAccessError(`cannot read '${name}': the gateway reads local files only under UPLOAD_ROOT, which is not set`);
  const notThere = () => new FileAccessError(`'${name}' is not a file under UPLOAD_ROOT: the gateway reads local files only from there`);
  const inside = (p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
  const resolved = path.resolve(root, name);
  if (!inside(resolved)) throw notThere();
  let real: string;
  try {
    real = await fs.realpath(resolved);
  } catch {
    throw notThere();
  }
  // A symbolic link inside the root that leads out of it: the same answer as a file that is not there.
  if (!inside(real)) throw notThere();
  return real;
}

/** md5 and size of a stream, computed as it flows (memory stays at one chunk). */
export async function digestStream(stream: Readable): Promise<{ md5sum: string; size: number }> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { md5sum: hash.digest('hex'), size };
}

const s3Clients = new Map<string, S3Client>();

/** One S3 client per endpoint for the process; credentials from the AWS environment as the AWS CLI finds them. */
function s3Client(endpoint: string | null): S3Client {
  const key = endpoint ?? '';
  let client = s3Clients.get(key);
  if (!client) {
    client = new S3Client(endpoint ? { endpoint, forcePathStyle: true, region: process.env.AWS_REGION ?? 'us-east-1' } : {});
    s3Clients.set(key, client);
  }
  return client;
}

/** `s3://bucket/key`, or null when the name is not one. */
export function s3Source(source: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  return m ? { bucket: m[1], key: m[2] } : null;
}

/**
 * The one answer for an `s3://` source the gateway will not read: a bucket not in S3_SOURCE_BUCKETS,
 * a bucket that does not exist, an object that does not exist or that its credentials may not read
 * all say the same, so a caller learns nothing of what the gateway's AWS credentials reach.
 */
function unreadableSource(source: string): FileAccessError {
  return new FileAccessError(`cannot read ${source}: no such object in the buckets the gateway may read (S3_SOURCE_BUCKETS)`);
}

/** S3's answers that say "not there" or "not yours": all become the one answer above. */
const NOT_READABLE = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'AccessDenied', 'Forbidden', 'InvalidBucketName', 'PermanentRedirect', 'AllAccessDisabled']);

async function s3Call<T>(source: string, call: (client: S3Client, where: { Bucket: string; Key: string }) => Promise<T>, access: FileAccess): Promise<T> {
  const where = s3Source(source);
  if (!where || !(access.s3SourceBuckets ?? []).includes(where.bucket)) throw unreadableSource(source);
  try {
    return await call(s3Client(access.s3Endpoint), { Bucket: where.bucket, Key: where.key });
  } catch (err) {
    const status = err instanceof S3ServiceException ? err.$metadata?.httpStatusCode : undefined;
    if (NOT_READABLE.has((err as Error).name) || status === 403 || status === 404 || status === 301) throw unreadableSource(source);
    throw new FileAccessError(`cannot read ${source}: S3 did not answer (${(err as Error).name})`);
  }
}

/** The object's bytes as a stream, and its size, from an allowed bucket. */
export async function openS3Source(source: string, access: FileAccess): Promise<{ stream: Readable; size: number | null }> {
  const object = await s3Call(source, (client, where) => client.send(new GetObjectCommand(where)), access);
  return { stream: object.Body as Readable, size: object.ContentLength ?? null };
}

/** The object's size, after checking it is there (no bytes read). */
export async function statS3Source(source: string, access: FileAccess): Promise<{ size: number | null }> {
  const head = await s3Call(source, (client, where) => client.send(new HeadObjectCommand(where)), access);
  return { size: head.ContentLength ?? null };
}

/**
 * md5 and size of a file record's bytes from where `submitted_file_name` says they are: an `s3://`
 * object in S3_SOURCE_BUCKETS (streamed: a multipart object's ETag is not its md5) or a file under
 * UPLOAD_ROOT.
 */
export async function digestSource(source: string, access: FileAccess): Promise<{ md5sum: string; size: number }> {
  if (source.startsWith('s3://')) {
    const { stream } = await openS3Source(source, access);
    try {
      return await digestStream(stream);
    } catch (err) {
      throw new FileAccessError(`cannot read ${source}: ${(err as Error).message}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) throw new FileAccessError(`cannot read '${source}': only s3:// URLs and files under UPLOAD_ROOT can be read`);
  const file = await underUploadRoot(source, access.uploadRoot);
  return digestStream(createReadStream(file));
}

/** A whole file under UPLOAD_ROOT, refused above the upload limit (attachments travel as data URIs). */
export async function readUnderRoot(name: string, access: FileAccess): Promise<{ file: string; bytes: Buffer }> {
  const file = await underUploadRoot(name, access.uploadRoot);
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw new FileAccessError(`'${name}' is not a file`);
  if (stat.size > access.maxBytes) throw new FileAccessError(`'${name}' is larger than the ${access.maxBytes}-byte limit (MAX_UPLOAD_BYTES)`);
  return { file, bytes: await fs.readFile(file) };
}
