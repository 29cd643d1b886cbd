import { readFile } from 'node:fs/promises';
import type { SubmissionResultModel } from '../../services/result';
import type { SubmissionDocument } from '../../services/submission-document';
import { ENCODE_SLICE } from '../spec';
import type { JobWork, WorkStart } from './types';

/**
 * ENCODE createEntities/patchRecords as a job: the document read once as the mutation reads it,
 * then sent ENCODE_SLICE records at a time through the same service calls, each slice recorded
 * when answered. A resumed job re-sends the first unrecorded slice: creates find their aliases
 * already there (action `exists`, or `update` with upsert) and patches apply the same values again.
 */
export async function encodeWork(start: WorkStart): Promise<JobWork> {
  const { spec } = start;
  const text = await readFile(start.documentPath, 'utf8');
  const doc: SubmissionDocument = { format: spec.format, text, entities: null, filename: spec.filename };
  const ctx = await start.context();
  const raws = await ctx.services.encode.readRecords(doc);
  const total = raws.length;
  async function* slices() {
    for (let from = start.done; from < total; from += ENCODE_SLICE) {
      const slice = raws.slice(from, from + ENCODE_SLICE);
      // Numbered from 0 within the slice as the service expects, and back to input positions after.
      const local = slice.map((raw, i) => ({ ...raw, index: i }));
      const services = (await start.context()).services.encode;
      const result: SubmissionResultModel =
        spec.kind === 'createEntities'
          ? await services.createRecords(spec.profile!, local, { dryRun: spec.dryRun, upsert: spec.upsert, award: spec.award, lab: spec.lab, noAliases: spec.noAliases })
          : await services.patchRaw(local, { dryRun: spec.dryRun, overwriteArrays: spec.overwriteArrays, removeProperties: spec.removeProperties, profile: spec.profile });
      const entities = result.entities.map((e) => ({ ...e, index: slice[e.index]?.index ?? from + e.index }));
      yield { result: { ...result, entities }, chunk: null, doneAfter: Math.min(total, from + ENCODE_SLICE), stop: false };
    }
  }
  return { total, slices: slices() };
}
