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

/**
 * uploadFile as a job: the spooled bytes sent through the same upload services as the mutation,
 * in an upload slot (MAX_CONCURRENT_UPLOADS). A resumed upload sends the whole file again: the
 * object or GDC file is replaced by the same bytes, never duplicated.
 */
export async function uploadWork(start: WorkStart): Promise<JobWork> {
  const { spec, documentPath } = start;
  const bytes = statSync(documentPath).size;
  async function* slices() {
    const ctx = await start.context();
    const file = spooledUpload(documentPath, spec.filename ?? 'file');
    const { uploads } = ctx.services;
    const r = await inUploadSlot(uploads.slots, null, () =>
      spec.source === 'GDC' ? uploads.gdc({ id: spec.targetId!, project: spec.project, file }) : uploads.encode.upload(spec.targetId!, file),
    );
    yield { result: asSubmission(r), chunk: null, doneAfter: 1, stop: !r.success, bytes: r.bytes ?? 0 };
  }
  return { total: 1, bytesTotal: bytes, slices: slices() };
}
