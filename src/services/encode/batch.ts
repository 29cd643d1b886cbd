import { GraphQLError } from 'graphql';
import type { EncodeWriteOutcome } from '../../datasources/encode/models';
import { outcomeEntity } from './outcome';
import { type EntityResultModel, type SubmissionResultModel, emptyEntity, entityError } from '../result';

export interface EncodeBatchItem {
  record: Record<string, unknown>;
  /** The profile (item type) the record belongs to, for results of failed writes. */
  type: string | null;
}

/**
 * Writes ENCODE records one at a time, in input order (the portal has no transactions).
 * A record the portal rejects (400/409/422) is reported and the next one is tried. A failure that
 * would hit every record (credentials, an unreachable portal) stops the batch: before any write it
 * is thrown as a GraphQL error; after some writes it is reported on that record and the rest are
 * marked not attempted, so the caller knows exactly what was written.
 */
export async function writeEncodeBatch(
  items: EncodeBatchItem[],
  action: 'create' | 'update',
  write: (item: EncodeBatchItem, index: number) => Promise<EncodeWriteOutcome>,
): Promise<SubmissionResultModel> {
  const entities: EntityResultModel[] = [];
  let lastStatus: number | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    try {
      const outcome = await write(item, i);
      lastStatus = outcome.status;
      entities.push(outcomeEntity(i, outcome, action, { type: item.type, aliases: item.record.aliases }));
    } catch (err) {
      if (!entities.some((e) => e.valid)) throw err;
      const gqlErr = err instanceof GraphQLError ? err : new GraphQLError((err as Error).message);
      const status = gqlErr.extensions.upstreamStatus;
      lastStatus = typeof status === 'number' ? status : lastStatus;
      entities.push({
        ...emptyEntity(i),
        type: item.type,
        errors: [entityError(String(gqlErr.extensions.code ?? 'ERROR'), gqlErr.message)],
      });
      for (let j = i + 1; j < items.length; j++) {
        entities.push({
          ...emptyEntity(j),
          type: items[j].type,
          errors: [entityError('NOT_ATTEMPTED', `Not sent: the batch stopped at record ${i} (${gqlErr.message})`)],
        });
      }
      break;
    }
  }
  return summarizeEncode(entities, false, lastStatus, action);
}

export function summarizeEncode(
  entities: EntityResultModel[],
  dryRun: boolean,
  upstreamStatus: number | null,
  action: 'create' | 'update',
): SubmissionResultModel {
  const failed = entities.filter((e) => !e.valid).length;
  const written = entities.filter((e) => e.valid && e.action).length;
  const verb = action === 'create' ? 'created' : 'updated';
  const message = dryRun
    ? failed
      ? `Dry run: ${failed} of ${entities.length} record(s) would be rejected; nothing was written.`
      : `Dry run: all ${entities.length} record(s) are valid; nothing was written.`
    : failed
      ? `${written} record(s) ${verb}, ${failed} failed.`
      : `${written} record(s) ${verb}.`;
  return {
    source: 'ENCODE',
    success: failed === 0,
    dryRun,
    message,
    transactionId: null,
    createdCount: dryRun || action !== 'create' ? 0 : written,
    updatedCount: dryRun || action !== 'update' ? 0 : written,
    errorCount: failed,
    entities,
    transactionalErrors: [],
    upstreamStatus,
    casesRelatedToCreatedCount: null,
    casesRelatedToUpdatedCount: null,
    chunks: [],
  };
}
