import type { EncodeRecord, EncodeWriteOutcome } from '../../datasources/encode/models';
import { profileOfRecord } from '../../rules/encode/naming';
import { type EntityErrorModel, type EntityResultModel, type SubmissionResultModel, emptyEntity, entityError } from '../result';
import { encodeErrorsToEntityErrors } from '../errors/encode';

/** Where a result comes from in the input: its position and, for TSV, its line. */
export interface Origin {
  index: number;
  row: number | null;
}

export function recordEntity(origin: Origin, record: EncodeRecord, action: string, warnings: string[] = []): EntityResultModel {
  return {
    ...emptyEntity(origin.index, origin.row),
    action,
    valid: true,
    id: record.uuid ?? null,
    accession: record.accession ?? null,
    type: profileOfRecord(record),
    aliases: record.aliases ?? [],
    record,
    warnings,
  };
}

export function failedEntity(origin: Origin, type: string | null, aliases: unknown, errors: EntityErrorModel[], warnings: string[] = []): EntityResultModel {
  return {
    ...emptyEntity(origin.index, origin.row),
    type,
    aliases: Array.isArray(aliases) ? aliases.map(String) : [],
    errors,
    warnings,
  };
}

/** A write whose answer was lost and could not be confirmed either way. */
export function unknownEntity(origin: Origin, type: string | null, aliases: unknown, warnings: string[]): EntityResultModel {
  return { ...failedEntity(origin, type, aliases, [], warnings), action: 'unknown' };
}

/** One refused write (400/403/404/409/412/422) as an EntityResult. */
export function refusedEntity(origin: Origin, outcome: EncodeWriteOutcome, type: string | null, aliases: unknown): EntityResultModel {
  return failedEntity(origin, type, aliases, encodeErrorsToEntityErrors(outcome.status, outcome.error, type));
}

export function notAttempted(origin: Origin, type: string | null, aliases: unknown, why: string): EntityResultModel {
  return failedEntity(origin, type, aliases, [entityError('NOT_ATTEMPTED', why)]);
}

/** The result of a batch of ENCODE writes (or of a dry run of them), entities in input order. */
export function summarizeEncode(entities: EntityResultModel[], dryRun: boolean, upstreamStatus: number | null): SubmissionResultModel {
  const count = (action: string) => entities.filter((e) => e.action === action && e.errors.length === 0).length;
  const failed = entities.filter((e) => e.errors.length > 0).length;
  const unknown = count('unknown');
  const [created, updated, exists] = [count('create'), count('update'), count('exists')];
  const parts = dryRun
    ? [
        failed ? `${failed} of ${entities.length} record(s) would be rejected` : `all ${entities.length} record(s) are valid`,
        exists ? `${exists} already exist${exists === 1 ? 's' : ''}` : '',
        'nothing was written',
      ]
    : [
        `${created} record(s) created`,
        updated ? `${updated} updated` : '',
        exists ? `${exists} already existed and were left as they are` : '',
        failed ? `${failed} failed` : '',
        unknown ? `${unknown} unknown (the portal's answer was lost; see warnings)` : '',
      ];
  return {
    source: 'ENCODE',
    success: failed === 0 && unknown === 0,
    dryRun,
    message: `${dryRun ? 'Dry run: ' : ''}${parts.filter(Boolean).join(', ')}.`,
    transactionId: null,
    createdCount: dryRun ? 0 : created,
    updatedCount: dryRun ? 0 : updated,
    errorCount: failed,
    entities,
    transactionalErrors: [],
    upstreamStatus,
    casesRelatedToCreatedCount: null,
    casesRelatedToUpdatedCount: null,
    chunks: [],
  };
}
