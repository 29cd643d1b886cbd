import { badInput } from '../services/documents';
import type { EntityResultModel, SubmissionResultModel } from '../services/result';
import type { JobStore } from './store';
import type { JobSummary } from './summary';

export const MAX_RESULT_PAGE = 1000;

/**
 * A page of a job's SubmissionResult, read from the store: the summary recorded with the last
 * slice, and the entities after input position `after` (the last index of the previous page).
 */
export async function jobResultPage(store: JobStore, id: string, first: number, after: string | null | undefined): Promise<SubmissionResultModel | null> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_RESULT_PAGE) throw badInput(`first must be between 0 and ${MAX_RESULT_PAGE}, got ${first}`, 'first');
  let afterRow = -1;
  if (after !== null && after !== undefined) {
    if (!/^\d{1,9}$/.test(after)) throw badInput(`after must be the index of an entity (a whole number), got '${after}'`, 'after');
    afterRow = Number(after);
  }
  const summary = await store.summary(id);
  if (summary === null) return null;
  const outcomes = first ? await store.outcomes(id, afterRow, first) : [];
  return { ...(JSON.parse(summary) as JobSummary), entities: outcomes.map((o) => JSON.parse(o.data) as EntityResultModel) };
}
