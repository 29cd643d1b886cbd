import { readFile } from 'node:fs/promises';
import type { EntityResultModel, SubmissionResultModel } from '../../services/result';
import type { CreateBatch, CreateOptions, PatchOptions } from '../../services/encode/registration';
import type { RawRecord } from '../../services/encode/inputs';
import { blockedReasons, dependencyOrder, skipAfter } from '../../services/encode/schedule';
import type { SubmissionDocument } from '../../services/submission-document';
import type { JobSpec } from '../spec';
import { ENCODE_SLICE } from '../spec';
import type { JobWork, WorkSlice, WorkStart } from './types';

/**
 * ENCODE createEntities/patchRecords as a job, with the per-record outcomes of the mutation: the
 * document read once as the mutation reads it, then sent ENCODE_SLICE records at a time (creates
 * in the order the mutation writes them, see createWork) through the same service calls, each
 * slice recorded when answered. A resumed job re-sends the first unrecorded slice: creates find their aliases
 * already there (action `exists`, or `update` with upsert) and patches apply the same values again.
 */
export async function encodeWork(start: WorkStart): Promise<JobWork> {
  const { spec } = start;
  const text = await readFile(start.documentPath, 'utf8');
  const doc: SubmissionDocument = { format: spec.format, text, entities: null, filename: spec.filename };
  const services = (await start.context()).services.encode;
  const raws = await services.readRecords(doc);
  if (spec.kind === 'createEntities' && !spec.dryRun) return createWork(start, raws, await services.prepareCreates(spec.profile!, raws, createOptions(spec)));
  // Patches do not wait on each other; a dry run writes nothing, so records of the whole batch must
  // be in one check for links between them to resolve as createEntities resolves them.
  return { total: raws.length, slices: inSlices(start, raws, spec.kind === 'createEntities' ? Math.max(1, raws.length) : ENCODE_SLICE) };
}

const createOptions = (spec: JobSpec): CreateOptions => ({ dryRun: spec.dryRun, upsert: spec.upsert, award: spec.award, lab: spec.lab, noAliases: spec.noAliases });
const patchOptions = (spec: JobSpec): PatchOptions => ({ dryRun: spec.dryRun, overwriteArrays: spec.overwriteArrays, removeProperties: spec.removeProperties, profile: spec.profile });

/**
 * Records in input order, `size` per call of the mutation's service, each keeping its input index
 * (results and messages name records of the whole batch). A patch that meets a failure hitting
 * every record (credentials, an unreachable portal) stops the batch as patchRecords does: the
 * records after it are reported not sent, and nothing more is sent.
 */
async function* inSlices(start: WorkStart, raws: RawRecord[], size: number): AsyncGenerator<WorkSlice> {
  const { spec } = start;
  const total = raws.length;
  let wrote = start.done > 0 && (await settled(start, total)).some(Boolean);
  for (let from = start.done; from < total; from += size) {
    const slice = raws.slice(from, from + size);
    const services = (await start.context()).services.encode;
    if (spec.kind === 'createEntities') {
      yield { result: await services.createRecords(spec.profile!, slice, createOptions(spec)), chunk: null, doneAfter: Math.min(total, from + size), stop: false };
      continue;
    }
    const { result, stopped } = await services.patchSlice(slice, patchOptions(spec), wrote);
    wrote ||= result.entities.some((e) => e.valid);
    if (!stopped) {
      yield { result, chunk: null, doneAfter: Math.min(total, from + size), stop: false };
      continue;
    }
    const tail = await services.notSentPatches(raws.slice(from + size), patchOptions(spec), stopped);
    const entities = [...result.entities, ...tail.entities];
    yield { result: { ...result, success: false, errorCount: result.errorCount + tail.errorCount, entities }, chunk: null, doneAfter: total, stop: false };
    return;
  }
}

/**
 * Creates as createEntities orders them: the batch prepared once (links between its records and
 * duplicates found across all of it), its records put in the order the mutation would write them
 * (a record after those it links to, earliest input first; then those caught in a cycle), and that
 * order cut into slices. `done` counts records in that order, which the input alone decides, so a
 * resume continues where it stopped; what earlier slices settled is read back from the store.
 */
async function createWork(start: WorkStart, raws: RawRecord[], batch: CreateBatch): Promise<JobWork> {
  const opts = createOptions(start.spec);
  const { order, blocked } = await dependencyOrder(batch.dependsOn);
  const usable = start.done > 0 ? await settled(start, raws.length) : new Array<boolean | undefined>(raws.length);
  const isUsable = (j: number) => usable[j];
  const total = raws.length;

  async function* slices(): AsyncGenerator<WorkSlice> {
    let wrote = usable.some(Boolean);
    for (let from = start.done; from < total; ) {
      // Records caught in a cycle are never sent: one slice once everything else has settled.
      const inOrder = from < order.length;
      const positions = inOrder ? order.slice(from, Math.min(order.length, from + ENCODE_SLICE)) : blocked.slice(from - order.length);
      const reasons = inOrder ? null : blockedReasons(batch.dependsOn, blocked, isUsable);
      const skipped = (p: number) => (reasons ? (reasons.get(p) ?? null) : skipAfter(batch.dependsOn, p, isUsable));
      const services = (await start.context()).services.encode;
      const { result, stopped } = await services.writeCreateSlice(batch, positions, opts, skipped, wrote);
      for (const e of result.entities) usable[e.index] = e.valid;
      wrote ||= result.entities.some((e) => e.valid);
      from += positions.length;
      if (!stopped) {
        yield { result, chunk: null, doneAfter: from, stop: false };
        continue;
      }
      // A failure that would hit every record stops createEntities' whole batch: the records not
      // sent yet are reported as it reports them, with this slice, and nothing more is sent.
      const rest = [...order.slice(from), ...blocked];
      const tail = (await services.writeCreateSlice(batch, rest, opts, (p) => skipAfter(batch.dependsOn, p, isUsable) ?? { kind: 'stopped', ...stopped }, true)).result;
      const entities = [...result.entities, ...tail.entities];
      yield { result: { ...result, success: false, errorCount: result.errorCount + tail.errorCount, entities }, chunk: null, doneAfter: total, stop: false };
      return;
    }
  }
  return { total, slices: slices() };
}

/** Which records earlier runs of this job wrote (true) or did not (false), from their recorded outcomes. */
async function settled(start: WorkStart, total: number): Promise<(boolean | undefined)[]> {
  const usable = new Array<boolean | undefined>(total);
  for (let after = -1; ; ) {
    const page = await start.recorded(after, 1000);
    for (const o of page) usable[o.row] = (JSON.parse(o.data) as EntityResultModel).valid;
    if (page.length < 1000) return usable;
    after = page[page.length - 1].row;
  }
}
