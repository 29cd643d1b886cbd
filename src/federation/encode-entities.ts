/**
 * ENCODE records asked for by representation. Every lookup goes through the request's record
 * loader, so all representations of one `_entities` call (and anything else the same level asks)
 * cost one search per kind of key: the uuids OR-ed in one, the accessions in another.
 */
import type { GatewayContext } from '../context';
import type { EncodeRecord } from '../datasources/encode/models';
import { badInput } from '../services/documents';
import type { EntityType } from './keys';

type EncodeEntity = Extract<EntityType, { source: 'ENCODE' }>;
export type Representation = Record<string, unknown> & { __typename: string };

/** The key a representation gives: `id` (the uuid) first, else `accession` where the type has it. */
export function encodeKeyOf(entity: EncodeEntity, rep: Representation): { field: 'uuid' | 'accession'; value: string } {
  if (typeof rep.id === 'string' && rep.id) return { field: 'uuid', value: rep.id };
  if (entity.keys.includes('accession') && typeof rep.accession === 'string' && rep.accession) return { field: 'accession', value: rep.accession };
  const keys = entity.keys.map((k) => `"${k}"`).join(' or ');
  throw badInput(`a representation of ${entity.gqlName} needs one of its keys: ${keys}`, 'representations');
}

/** The record, or null when none of this type has that key (a record of another type is not a match). */
export async function encodeEntity(ctx: GatewayContext, entity: EncodeEntity, rep: Representation): Promise<EncodeRecord | null> {
  const key = encodeKeyOf(entity, rep);
  const record = await ctx.loaders.encode.record.load(key.value);
  if (!record || record['@type']?.[0] !== entity.type.name || record[key.field] !== key.value) return null;
  return record;
}
