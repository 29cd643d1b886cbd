import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { GdcApi } from '../../datasources/gdc/client';
import { headerSafe } from '../../datasources/grammar';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import { LostResponse } from '../../datasources/lost-response';
import type { EntityResultModel, SubmissionResultModel } from '../result';
import { placeAllEntityErrors } from '../errors/place';
import type { DocumentRows } from './document/rows';
import { entityKeys } from './document/scan';
import type { GdcDocument } from './document/source';
import { entityFromGdcInTurns, Interner, resultFromAnswer } from './envelope';
import { reconcile } from './reconcile';
import { TimeSlices } from '../../time-slices';

export interface SendOptions {
  method: 'POST' | 'PUT' | 'PATCH';
  dryRun: boolean;
  async: boolean;
}

/**
 * One document as one GDC transaction: the bytes stream upstream, the answer streams back and
 * becomes one EntityResult per entity (with its TSV/CSV line from `rows`, which may still be being
 * counted while the document goes up). When the answer is lost,
 * what the write did is looked up before anything is reported (see reconcile.ts).
 */
export async function sendDocument(
  api: GdcApi,
  project: GdcProjectRef,
  doc: GdcDocument,
  options: SendOptions,
  rows: DocumentRows | null | Promise<DocumentRows | null>,
): Promise<SubmissionResultModel> {
  const entities: EntityResultModel[] = [];
  const strings = new Interner();
  const slices = new TimeSlices();
  // GDC keeps the document name in its transaction log: a unique one finds this transaction again if its answer is lost.
  const documentName = headerSafe(`${doc.filename ?? `document.${doc.format}`} [${randomUUID()}]`);
  try {
    const answer = await api.submit(
      project,
      doc.open(),
      { method: options.method, dryRun: options.dryRun, async: options.async, format: doc.format, documentName },
      async (e, i) => void entities.push(await entityFromGdcInTurns(e, i, null, strings, slices)),
    );
    const where = await rows;
    if (where) entities.forEach((e, i) => (e.row = where.lines[i] ?? null));
    await placeAllEntityErrors(entities, where?.columns ?? null);
    return resultFromAnswer(answer, options.dryRun, entities);
  } catch (err) {
    if (!(err instanceof LostResponse)) throw err;
    if (options.dryRun) throw lostDryRun(err);
    const where = await rows;
    return reconcile(api, project, err, { keys: await entityKeys(doc), method: options.method, rows: where?.lines ?? null, columns: where?.columns ?? null, documentName });
  }
}

/** A dry run writes nothing, so a lost answer leaves nothing to look up: say so and let it be re-run. */
export function lostDryRun(lost: LostResponse): GraphQLError {
  return new GraphQLError(`${lost.message}. A dry run writes nothing; run it again.`, {
    extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'GDC', upstreamStatus: lost.status },
  });
}
