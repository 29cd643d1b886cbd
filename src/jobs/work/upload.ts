import { createReadStream, statSync } from 'node:fs';
import type { FileUpload } from 'graphql-upload-minimal';
import { emptyEntity, type SubmissionResultModel, type UploadResultModel } from '../../services/result';
import { inUploadSlot } from '../../services/upload-slots';
import type { JobWork, WorkStart } from './types';

/** The spooled bytes, as the upload services take a caller's file. */
function spooledUpload(path: string, filename: string): Promise<FileUpload> {
  return Promise.resolve({ filename, mimetype: 'application/octet-stream', encoding: '7bit', fieldName: 'file', createReadStream: () => createReadStream(path) } as unknown as FileUpload);
}

/** An upload's answer in the shape every job result has: one entity, the file, with its errors. */
function asSubmission(r: UploadResultModel): SubmissionResultModel {
  return {
    source: r.source,
    success: r.success,
    dryRun: false,
    message: r.message,
    transactionId: null,
    createdCount: 0,
    updatedCount: r.success ? 1 : 0,
    errorCount: r.errors.length,
    entities: [{ ...emptyEntity(0, null), action: r.success ? 'upload' : null, valid: r.success, id: r.id, errors: r.errors, warnings: r.md5sum ? [`md5sum ${r.md5sum}, ${r.bytes} bytes`] : [] }],
    transactionalErrors: [],
    upstreamStatus: null,
    casesRelatedToCreatedCount: null,
    casesRelatedToUpdatedCount: null,
    chunks: [],
  };
}

/** At most one progress write every PROGRESS_MS while bytes land (subscribers see at most one event per 250 ms anyway). */
const PROGRESS_MS = 250;

/** `report` as often as parts land, written at most every PROGRESS_MS (the latest value last); `settled` once the last write is in. */
function throttledBytes(write: ((bytes: number) => Promise<void>) | undefined) {
  let last = 0;
  let latest = 0;
  let timer: NodeJS.Timeout | null = null;
  let pending: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = null;
    last = Date.now();
    const bytes = latest;
    pending = pending.then(() => write!(bytes)).catch(() => undefined);
  };
  return {
    report(bytes: number) {
      latest = bytes;
      if (!write || timer) return;
      const wait = last + PROGRESS_MS - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    settled() {
      // The slice records the final bytes itself: a write after it would only set them back.
      if (timer) clearTimeout(timer);
      timer = null;
      return pending;
    },
  };
}

/**
 * uploadFile as a job: the spooled bytes sent through the same upload services as the mutation,
 * in an upload slot (MAX_CONCURRENT_UPLOADS). A resumed upload (after SIGTERM or SIGKILL) sends
 * only what the upstream lacks: an ENCODE multipart upload skips the parts S3 answered before
 * (remembered in the upload state, src/services/upload-state), and its bytesDone starts at them;
 * a GDC upload skips the parts GDC lists. A single PUT (below the part size) is sent again whole,
 * replacing the object with the same bytes, never duplicating it.
 */
export async function uploadWork(start: WorkStart): Promise<JobWork> {
  const { spec, documentPath } = start;
  const bytes = statSync(documentPath).size;
  async function* slices() {
    const ctx = await start.context();
    const file = spooledUpload(documentPath, spec.filename ?? 'file');
    const { uploads } = ctx.services;
    const progress = throttledBytes(start.bytesDone);
    const r = await inUploadSlot(uploads.slots, null, () =>
      spec.source === 'GDC'
        ? uploads.gdc({ id: spec.targetId!, project: spec.project, file })
        : // The spooled copy can be read again: an upload S3 has lost is started over at once.
          uploads.encode.upload(spec.targetId!, file, { replayable: true, onProgress: (b) => progress.report(b) }),
    );
    await progress.settled();
    yield { result: asSubmission(r), chunk: null, doneAfter: 1, stop: !r.success, bytes: r.bytes ?? 0 };
  }
  return { total: 1, bytesTotal: bytes, slices: slices() };
}
