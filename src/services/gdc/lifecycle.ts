import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcAnswer, GdcProjectRef } from '../../datasources/gdc/models';
import { LostResponse } from '../../datasources/lost-response';
import { type SubmissionResultModel, emptyEntity } from '../result';
import { emptyResult, resultFromAnswer } from './envelope';
import { lostDryRun } from './transaction';

const COMMITTED_BY = /committed already by transaction '(\d+)'/;

/**
 * Commits a dry run: GDC re-runs it as a new transaction and answers with that one's envelope.
 * If the answer is lost, asking again is safe: GDC commits a dry run once, and a second request
 * either commits it now (the first never arrived) or names the transaction that already did.
 */
export async function commitTransaction(api: GdcApi, project: GdcProjectRef, id: number, async: boolean): Promise<SubmissionResultModel> {
  let answer: GdcAnswer;
  try {
    answer = await api.commit(project, id, async);
  } catch (err) {
    if (!(err instanceof LostResponse)) throw err;
    return afterLostCommit(api, project, id, async, err);
  }
  return resultFromAnswer(answer, false);
}

async function afterLostCommit(api: GdcApi, project: GdcProjectRef, id: number, async: boolean, lost: LostResponse): Promise<SubmissionResultModel> {
  let again: GdcAnswer;
  try {
    again = await api.commit(project, id, async);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ...emptyResult(false), message: `${lost.message}; asking GDC again failed too (${reason}): whether transaction ${id} was committed is unknown.`, transactionalErrors: [lost.message], errorCount: 1 };
  }
  const by = COMMITTED_BY.exec(again.message)?.[1];
  if (!by) return { ...resultFromAnswer(again, false), message: `${lost.message}; asked again: ${again.envelope?.message ?? again.message}` };
  // The first request went through as transaction `by`; its outcome is on the transaction log.
  return {
    ...emptyResult(false),
    success: true,
    transactionId: Number(by),
    upstreamStatus: again.status,
    message: `${lost.message}; asked again, GDC says transaction ${id} was committed by transaction ${by}. See gdcTransaction(id: ${by}) for its entities.`,
  };
}

/** Closes a dry run so it can no longer be committed; closing twice is harmless, so a lost answer is asked again. */
export async function closeTransaction(api: GdcApi, project: GdcProjectRef, id: number): Promise<SubmissionResultModel> {
  try {
    return resultFromAnswer(await api.close(project, id), false);
  } catch (err) {
    if (!(err instanceof LostResponse)) throw err;
    const again = await api.close(project, id);
    const closed = again.status < 300 || /already closed/.test(again.message);
    return { ...resultFromAnswer(again, false), success: closed, message: `${err.message}; asked again: ${again.message}` };
  }
}

/**
 * One deletion transaction. GDC never cascades: an entity others depend on is refused
 * (INVALID_LINK) with the dependents' ids, which can be deleted together with it.
 */
export async function deleteEntities(api: GdcApi, project: GdcProjectRef, ids: string[], dryRun: boolean): Promise<SubmissionResultModel> {
  try {
    return resultFromAnswer(await api.deleteEntities(project, ids, dryRun), dryRun);
  } catch (err) {
    if (!(err instanceof LostResponse)) throw err;
    if (dryRun) throw lostDryRun(err);
    return afterLostDelete(api, project, ids, err);
  }
}

/** After a lost deletion answer: what is gone was deleted (all or nothing), what is there was not. */
async function afterLostDelete(api: GdcApi, project: GdcProjectRef, ids: string[], lost: LostResponse): Promise<SubmissionResultModel> {
  const still = await api.getEntities(project, ids);
  const gone = still.every((e) => e === null);
  const entities = ids.map((id, i) => ({
    ...emptyEntity(i),
    id,
    type: still[i]?.properties.type ?? null,
    valid: gone,
    action: gone ? 'delete' : still[i] ? null : 'unknown',
    warnings: [gone ? `${lost.message}; looked up afterwards: gone, so deleted` : still[i] ? `${lost.message}; looked up afterwards: still there, not deleted (run the deletion again)` : `${lost.message}; not found afterwards although others are still there`],
  }));
  return {
    ...emptyResult(false),
    success: gone,
    message: gone
      ? `GDC's answer was lost (${lost.reason}); looked up afterwards, all ${ids.length} entities are gone: deleted.`
      : `GDC's answer was lost (${lost.reason}); looked up afterwards, the entities are still there: nothing was deleted.`,
    deletedCount: gone ? ids.length : 0,
    errorCount: gone ? 0 : ids.length,
    entities,
    transactionalErrors: gone ? [] : [lost.message],
    upstreamStatus: lost.status,
  };
}
