import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import '../../datasources/s3/sdk-node-warning';

/** Files a request may make the gateway read: only under UPLOAD_ROOT, never larger than the upload limit. */
export interface FileAccess {
  uploadRoot: string | null;
  maxBytes: number;
  s3Endpoint: string | null;
}

export class FileAccessError extends Error {}

/**
 * The real path of `name` inside UPLOAD_ROOT (relative names are taken from there). Anything else
 * is refused — a remote caller must never make the gateway read an arbitrary file — including
 * symbolic links that lead out of the root.
 */
export async function underUploadRoot(name: string, root: string | null): Promise<string> {
  if (!root) throw new FileAccessError(`cannot read '${name}': the gateway reads local files only under UPLOAD_ROOT, which is not set`);
  let real: string;
  try {
    real = await fs.realpath(path.resolve(root, name));
  } catch {
    throw new FileAccessError(`'${name}' does not exist under UPLOAD_ROOT`);
  }
  if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`)) {
    throw new FileAccessError(`'${name}' is outside UPLOAD_ROOT: the gateway reads local files only from there`);
  }
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

/**
 * md5 and size of a file record's bytes from where `submitted_file_name` says they are: an `s3://`
 * object (streamed: a multipart object's ETag is not its md5) or a file under UPLOAD_ROOT.
 */
export async function digestSource(source: string, access: FileAccess): Promise<{ md5sum: string; size: number }> {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  if (s3) {
    try {
      const object = await s3Client(access.s3Endpoint).send(new GetObjectCommand({ Bucket: s3[1], Key: s3[2] }));
      return await digestStream(object.Body as Readable);
    } catch (err) {
      throw new FileAccessError(`cannot read ${source}: ${(err as Error).name === 'NoSuchKey' ? 'no such object' : (err as Error).message}`);
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
