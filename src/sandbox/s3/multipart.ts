import fs from 'node:fs';
import path from 'node:path';
import type { FilesystemStore } from './fidelity';

// s3rver's own pieces, reused so these routes authenticate and fail exactly like its others.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string, detail?: Record<string, unknown>) => Error;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const authentication = require('s3rver/lib/middleware/authentication') as () => KoaMiddleware;

/** The slice of Koa's context these routes use (s3rver ships no types). */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  params: Record<string, string | undefined>;
  status: number;
  body: unknown;
  store: FilesystemStore;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<unknown>;

/**
 * AbortMultipartUpload (`DELETE /<bucket>/<key>?uploadId=`) and ListMultipartUploads
 * (`GET /<bucket>?uploads`), which s3rver 3.7 answers with MethodNotAllowed / NotImplemented.
 * Clients abort a failed multipart upload (the SDK's lib-storage does, and fails when it cannot),
 * and callers check that none is left open. Runs before s3rver's router; anything else passes on.
 */
export function multipartRoutes(): KoaMiddleware {
  const auth = authentication();
  return async (ctx, next) => {
    const [bucket, ...rest] = ctx.path.split('/').filter(Boolean).map(decodeURIComponent);
    const key = rest.join('/');
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
    const abort = ctx.method === 'DELETE' && bucket && key && uploadId !== undefined;
    const list = ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query;
    if (!abort && !list) return next();
    ctx.params = { bucket, key: key || undefined };
    return auth(ctx, async () => {
      const uploads = path.join(ctx.store.getResourcePath(bucket, undefined, 'uploads'));
      if (!fs.existsSync(path.dirname(uploads))) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
      if (abort) {
        const dir = path.join(uploads, path.basename(uploadId!));
        const owner = await fs.promises.readFile(path.join(dir, 'key'), 'utf8').catch(() => null);
        if (owner !== key) {
          throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
        }
        await fs.promises.rm(dir, { recursive: true, force: true });
        ctx.status = 204;
        ctx.body = '';
        return;
      }
      ctx.body = { ListMultipartUploadsResult: { Bucket: bucket, IsTruncated: false, Upload: await openUploads(uploads) } };
    });
  };
}

async function openUploads(dir: string): Promise<{ Key: string; UploadId: string; Initiated: string }[]> {
  const ids = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const found = await Promise.all(
    ids.map(async (id) => {
      const file = path.join(dir, id, 'key');
      const key = await fs.promises.readFile(file, 'utf8').catch(() => null);
      if (key === null) return null;
      const { birthtime } = await fs.promises.stat(file);
      return { Key: key, UploadId: id, Initiated: birthtime.toISOString() };
    }),
  );
  return found.filter((u): u is NonNullable<typeof u> => u !== null).sort((a, b) => a.Key.localeCompare(b.Key));
}
