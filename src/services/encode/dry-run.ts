import { classifyIdentifier } from '../../datasources/encode/identifiers';
import type { EncodeProfile, EncodeRecord } from '../../datasources/encode/models';
import type { EncodeBatchItem } from './batch';
import { summarizeEncode } from './batch';
import { checkAgainstProfile, type LinkRef, linksOf } from './profile-check';
import { type EntityResultModel, type SubmissionResultModel, emptyEntity, entityError } from '../result';

/**
 * How to find what a link names. Uuids, accessions, aliases and paths work anywhere; a bare
 * unique key (`barbara-wold`, an award name) only inside the target's collection, which the portal
 * also answers to by item_type (`/lab/barbara-wold/`).
 */
export function lookupId(link: LinkRef): string {
  if (classifyIdentifier(link.value).field) return link.value;
  const itemType = link.linkTo[0].replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return `/${itemType}/${link.value.replace(/\/+$/, '')}/`;
}

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
  const links = items.map((item, i) => linksOf(profile, item.record, supplied[i]));
  const lookups = [...new Set(links.flat().map(lookupId))];
  const targets = await lookup(lookups);
  const uuidByLookup = new Map(lookups.map((id, i) => [id, targets[i]?.uuid]));
  const uuidOf = (link: LinkRef) => uuidByLookup.get(lookupId(link));

  const entities: EntityResultModel[] = items.map((item, i) => {
    const byValue = new Map(links[i].map((l) => [l.value, uuidOf(l)]));
    const errors = [...checkAgainstProfile(profile, item.record, supplied[i], (v) => byValue.get(v)).errors];
    for (const link of links[i]) {
      if (!uuidOf(link)) errors.push(entityError('INVALID_LINK', `'${link.value}' not found`, [link.property], link.property));
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
