import type { EncodeRecord, EncodeWriteOutcome } from '../../datasources/encode/models';
import { encodeErrorsToEntityErrors } from './errors';
import { type EntityResultModel, emptyEntity } from '../result';

/** The item type (`biosample`) from a record's @id collection or its first @type (`Biosample`). */
export function itemTypeOf(record: EncodeRecord): string | null {
  const first = record['@type']?.[0];
  if (!first) return null;
  return first.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function recordEntity(index: number, record: EncodeRecord, action: string | null): EntityResultModel {
  return {
    ...emptyEntity(index),
    action,
    valid: true,
    id: record.uuid ?? null,
    accession: record.accession ?? null,
    type: itemTypeOf(record),
    aliases: record.aliases ?? [],
    record,
  };
}

/** One ENCODE write's outcome as an EntityResult. `input` supplies aliases/type when the write failed. */
export function outcomeEntity(
  index: number,
  outcome: EncodeWriteOutcome,
  action: 'create' | 'update',
  input: { type: string | null; aliases?: unknown },
): EntityResultModel {
  if (outcome.record) return recordEntity(index, outcome.record, action);
  return {
    ...emptyEntity(index),
    type: input.type,
    aliases: Array.isArray(input.aliases) ? input.aliases.map(String) : [],
    errors: encodeErrorsToEntityErrors(outcome.status, outcome.error),
  };
}
