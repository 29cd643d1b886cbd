import type { QueryResolvers } from '../generated/resolvers-types';
import type { EncodeFrame } from '../datasources/encode/models';
import { recordRequestsFor } from '../datasources/encode/loaders';
import { badInput } from '../services/documents';
import { searchOrNotFound } from '../services/encode/types';
import { unknownName } from '../services/not-found';

const FRAMES: Record<string, EncodeFrame> = { OBJECT: 'object', EDIT: 'edit', EMBEDDED: 'embedded' };
const MAX_SEARCH_LIMIT = 10_000;

export const encodeQueries: Pick<QueryResolvers, 'encodeRecord' | 'encodeRecords' | 'encodeSearch' | 'encodeProfile'> = {
  // The object frame goes through the loader so that many records in one query cost one search.
  encodeRecord: (_p, { id, frame }, ctx) =>
    !frame || frame === 'OBJECT' ? ctx.loaders.encode.record.load(id) : ctx.encode.getRecord(id, FRAMES[frame]),

  encodeRecords: async (_p, { ids }, ctx) => {
    ctx.upstreamCalls.expect(recordRequestsFor(ids), `encodeRecords with ${ids.length} ids`);
    const records = await ctx.loaders.encode.record.loadMany(ids);
    return records.map((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
  },

  encodeSearch: (_p, { type, filters, limit }, ctx) => {
    const n = limit ?? 25;
    if (n < 1 || n > MAX_SEARCH_LIMIT) throw badInput(`limit must be between 1 and ${MAX_SEARCH_LIMIT}`, 'limit');
    const pairs = (filters ?? []).flatMap((f) => f.values.map((v): [string, string] => [f.field, v]));
    return searchOrNotFound(ctx, type, () => ctx.encode.search({ type, filters: pairs, limit: n }));
  },

  encodeProfile: async (_p, { name }, ctx) => {
    const profile = await ctx.encode.getProfile(name);
    if (profile) return profile;
    const known = await ctx.encode.profiles();
    throw unknownName('ENCODE profile', name, [...known.types.keys()], 'name');
  },
};
