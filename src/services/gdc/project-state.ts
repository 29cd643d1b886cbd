import type { GdcApi, GdcProjectStep } from '../../datasources/gdc/client';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import { LostResponse } from '../../datasources/lost-response';
import type { SubmissionResultModel } from '../result';
import { emptyResult, resultFromAnswer } from './envelope';
import { lostDryRun } from './transaction';

/**
 * One step of the project release workflow, as one transaction. A step the project's state does
 * not allow is GDC's own refusal (success false, its message). A lost answer is not asked again:
 * a second review or release is refused once the first went through, so the outcome is read
 * from the transaction log instead, and the caller is told where.
 */
export async function changeProjectState(api: GdcApi, project: GdcProjectRef, step: GdcProjectStep, dryRun: boolean, async: boolean): Promise<SubmissionResultModel> {
  try {
    return resultFromAnswer(await api.transition(project, step, dryRun, async), dryRun);
  } catch (err) {
    if (!(err instanceof LostResponse)) throw err;
    if (dryRun) throw lostDryRun(err);
    return {
      ...emptyResult(false),
      message: `${err.message}: whether the project moved to '${step}' is unknown. The project's newest transaction (gdcTransactions) says; ask again only if it is not there.`,
      transactionalErrors: [err.message],
      errorCount: 1,
      upstreamStatus: err.status,
    };
  }
}
