import type { SourceName, SubmissionResultModel, TransactionChunkModel } from '../services/result';
import { summary as chunkedMessage } from '../services/gdc/chunked';
import type { JobSpec } from './spec';
import type { WorkSlice } from './work/types';

/** A job's SubmissionResult without its entities (those are outcomes, paged from the store). */
export type JobSummary = Omit<SubmissionResultModel, 'entities'>;

export function emptySummary(spec: JobSpec): JobSummary {
  return {
    source: spec.source as SourceName,
    success: true,
    dryRun: spec.dryRun,
    message: '',
    transactionId: null,
    createdCount: 0,
    updatedCount: 0,
    deletedCount: null,
    errorCount: 0,
    transactionalErrors: [],
    upstreamStatus: null,
    casesRelatedToCreatedCount: null,
    casesRelatedToUpdatedCount: null,
    chunks: [],
  };
}

/** The summary once `slice` is recorded. */
export function addSlice(s: JobSummary, slice: WorkSlice): JobSummary {
  const r = slice.result;
  const chunks: TransactionChunkModel[] = slice.chunk ? [...s.chunks.filter((c) => c.index !== slice.chunk!.index), slice.chunk] : s.chunks;
  return {
    ...s,
    success: s.success && r.success,
    // A one-transaction job keeps its id, as the synchronous mutation reports it.
    transactionId: chunks.length === 1 ? chunks[0].transactionId : slice.chunk ? null : s.transactionId,
    message: r.message,
    createdCount: s.createdCount + r.createdCount,
    updatedCount: s.updatedCount + r.updatedCount,
    errorCount: s.errorCount + r.errorCount,
    transactionalErrors: [...s.transactionalErrors, ...r.transactionalErrors],
    upstreamStatus: r.upstreamStatus ?? s.upstreamStatus,
    chunks,
  };
}

/** The summary's message when the job ends. */
export function finalMessage(s: JobSummary, spec: JobSpec, done: number, total: number, end: 'done' | 'cancelled' | 'stopped'): string {
  const counts = `${done} of ${total} ${spec.source === 'GDC' ? 'entities' : 'records'} sent: ${s.createdCount} created, ${s.updatedCount} updated, ${s.errorCount} with errors.`;
  if (end === 'cancelled') return `Cancelled after ${counts} Nothing more was sent.`;
  if (spec.kind === 'uploadFile') return s.message; // the upload's own answer (md5, size, storage)
  if (spec.source === 'GDC' && s.chunks.length && !spec.dryRun) {
    const chunkSize = Math.max(...s.chunks.map((c) => c.count));
    return chunkedMessage(s.chunks, chunkSize, s.success);
  }
  return end === 'stopped' ? `Stopped after ${counts}` : s.message && spec.source === 'GDC' ? s.message : counts;
}
