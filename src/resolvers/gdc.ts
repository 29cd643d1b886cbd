import type { QueryResolvers } from '../generated/resolvers-types';
import { parseProject } from '../datasources/gdc/client';

export const gdcQueries: Pick<QueryResolvers, 'gdcEntities' | 'gdcDictionary'> = {
  gdcEntities: async (_p, { project, ids }, ctx) => {
    parseProject(project); // a malformed project is the caller's error, before any upstream call
    const entities = await ctx.loaders.gdc.entity.loadMany(ids.map((id) => ({ project, id })));
    return entities.map((e) => {
      if (e instanceof Error) throw e;
      return e;
    });
  },

  gdcDictionary: (_p, { type }, ctx) => ctx.gdc.getDictionary(type ?? '_all'),
};
