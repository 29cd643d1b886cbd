import { createReadStream, statSync } from 'node:fs';
import type { GdcDocument } from '../../services/gdc/document/source';
import type { SendOptions } from '../../services/gdc/transaction';
import { DEFAULT_JOB_CHUNK_SIZE } from '../spec';
import type { JobWork, WorkStart } from './types';

/**
 * Pieces of the spool a read: csv-parse parses each piece in one go, so 16 KiB (not the default
 * 64) keeps each of those waits for other callers a quarter as long, at no cost to a job's pace.
 */
const SPOOL_READ_BYTES = 16 * 1024;

/** The spooled document, read as many times as the work needs. */
function spooledDocument(start: WorkStart): GdcDocument {
  const { documentPath, spec } = start;
  return { format: spec.format, filename: spec.filename, bytes: statSync(documentPath).size, open: () => createReadStream(documentPath, { highWaterMark: SPOOL_READ_BYTES }), dispose: async () => undefined };
}

/**
 * GDC createEntities as a job: the same parents-first chunks createEntities(chunkSize) sends
 * (GdcSubmissionService.sendChunks), each recorded when GDC has answered it. A resumed job skips
 * the chunks recorded and re-sends the next as PUT: if it landed before the restart, GDC updates
 * those entities by submitter_id instead of creating them twice. A dry run is one transaction.
 */
export async function gdcCreateWork(start: WorkStart): Promise<JobWork> {
  const { spec } = start;
  const doc = spooledDocument(start);
  const ctx = await start.context();
  const plan = await ctx.services.gdc.chunkPlan(doc);
  const total = plan.order.length;
  const options: SendOptions = { method: spec.upsert ? 'PUT' : 'POST', dryRun: spec.dryRun, async: false };
  // A dry run writes nothing, so later chunks could not link to earlier ones: the whole document at once.
  const chunkSize = spec.dryRun ? Math.max(1, total) : spec.chunkSize ?? DEFAULT_JOB_CHUNK_SIZE;
  const fromChunk = Math.floor(start.done / chunkSize);
  const firstOptions: SendOptions = start.resumed && !spec.dryRun ? { ...options, method: 'PUT' } : options;
  async function* slices() {
    const chunks = ctx.services.gdc.sendChunks(spec.project!, doc, plan, options, chunkSize, fromChunk, firstOptions);
    for await (const sent of chunks) {
      const doneAfter = Math.min(total, (sent.chunk.index + 1) * chunkSize);
      yield { result: { ...sent.result, entities: sent.entities, transactionalErrors: sent.transactionalErrors }, chunk: sent.chunk, doneAfter, stop: !sent.result.success };
    }
  }
  return { total, slices: slices() };
}
