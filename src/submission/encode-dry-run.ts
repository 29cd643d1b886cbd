import type { EncodeProfile, EncodeRecord } from '../datasources/encode/models';
import type { EncodeBatchItem } from './encode-batch';
import { summarizeEncode } from './encode-batch';
import { checkAgainstProfile } from './encode-profile-check';
import { type EntityResultModel, type SubmissionResultModel, emptyEntity, entityError } from './result';

/**
 * ENCODE has no dry-run endpoint, so a dry run checks each record on the gateway the way the
 * portal would: the profile's JSON schema, properties the caller may not submit, and whether every
 * linked record exists (looked up in one batch through `lookup`). Nothing is written.
 * For PATCH, `items[i].record` is the merged document and `supplied[i]` the keys the caller sent.
 */
export async function dryRunEncode(
  items: EncodeBatchItem[],
  profile: EncodeProfile,
  action: 'create' | 'update',
  lookup: (ids: string[]) => Promise<(EncodeRecord | null)[]>,
  supplied: string[][] = items.map((i) => Object.keys(i.record)),
): Promise<SubmissionResultModel> {
  const checks = items.map((item, i) => checkAgainstProfile(profile, item.record, supplied[i]));
  const linkValues = [...new Set(checks.flatMap((c) => c.links.map((l) => l.value)))];
  const targets = await lookup(linkValues);
  const exists = new Map(linkValues.map((v, i) => [v, targets[i] !== null]));

  const entities: EntityResultModel[] = items.map((item, i) => {
    const errors = [...checks[i].errors];
    for (const link of checks[i].links) {
      if (!exists.get(link.value)) errors.push(entityError('INVALID_LINK', `'${link.value}' not found`, [link.property], link.property));
    }
    const aliases = item.record.aliases;
    return {
      ...emptyEntity(i),
      action: errors.length ? null : action,
      valid: errors.length === 0,
      type: item.type,
      id: typeof item.record.uuid === 'string' ? item.record.uuid : null,
      accession: typeof item.record.accession === 'string' ? item.record.accession : null,
      aliases: Array.isArray(aliases) ? aliases.map(String) : [],
      errors,
    };
  });
  return summarizeEncode(entities, true, null, action);
}
