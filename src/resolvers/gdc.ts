import { checkPassthroughQuery } from '../apollo/limits';
import type { EntityResultResolvers, MutationResolvers, QueryResolvers } from '../generated/resolvers-types';
import { parseProject } from '../datasources/gdc/client';
import { entityRequestsFor } from '../datasources/gdc/loaders';
import type { GdcDocumentFormat } from '../datasources/gdc/models';
import { badInput } from '../services/documents';
import { uniqueKeysOf } from '../services/gdc/envelope';
import { inProject, nodeTypeNotFound } from '../services/gdc/projects';

const format = (f: string | null | undefined): GdcDocumentFormat => (f ?? 'TSV').toLowerCase() as GdcDocumentFormat;

export const gdcQueries: Pick<
  QueryResolvers,
  'gdcEntities' | 'gdcDictionary' | 'gdcTemplate' | 'gdcExport' | 'gdcManifest' | 'gdcTransaction' | 'gdcTransactions' | 'gdcGraphql'
> = {
  gdcEntities: async (_p, { project, ids }, ctx) => {
    parseProject(project); // a malformed project is the caller's error, before any upstream call
    ctx.upstreamCalls.expect(entityRequestsFor(ids), `gdcEntities with ${ids.length} ids`);
    // Nothing found: a project that does not exist is NOT_FOUND, not a list of nulls.
    const read = async () => {
      const entities = await ctx.loaders.gdc.entity.loadMany(ids.map((id) => ({ project, id })));
      return entities.map((e) => {
        if (e instanceof Error) throw e;
        return e;
      });
    };
    return inProject(ctx.gdc, project, read, (found) => ids.length > 0 && found.every((e) => e === null));
  },

  gdcDictionary: async (_p, { type }, ctx) => {
    const schema = await ctx.gdc.getDictionary(type ?? '_all');
    if (schema === null && type) throw await nodeTypeNotFound(ctx.gdc, type);
    return schema;
  },

  gdcTemplate: (_p, { types, format: f }, ctx) => {
    ctx.upstreamCalls.grant(types.length); // one GET per type asked for
    return ctx.services.gdc.templates(types, format(f));
  },

  gdcExport: (_p, { project, ids, format: f, withChildren }, ctx) => ctx.services.gdc.export(project, ids, format(f), withChildren ?? false),

  gdcManifest: (_p, { project, ids }, ctx) => ctx.services.gdc.manifest(project, ids),

  gdcTransaction: (_p, { project, id }, ctx) => ctx.services.gdc.transaction(project, id),

  gdcTransactions: (_p, { project, first, offset }, ctx) =>
    inProject(ctx.gdc, project, () => ctx.services.gdc.transactions(project, first ?? 20, offset ?? 0), (found) => !found.length && !offset),

  gdcGraphql: (_p, { query, variables }, ctx) => {
    // Passed on upstream as it is: first held to the gateway's own document limits and INTROSPECTION.
    checkPassthroughQuery(query, ctx.documentLimits.limits, ctx.documentLimits.introspection);
    return ctx.services.gdc.graphql(query, variables);
  },
};

export const gdcMutations: Pick<MutationResolvers, 'commitTransaction' | 'closeTransaction' | 'deleteEntities' | 'submitBcrXml' | 'gdcProjectState'> = {
  commitTransaction: (_p, { input }, ctx) => ctx.services.gdc.commit(input.project, input.transactionId, input.async ?? false),

  closeTransaction: (_p, { input }, ctx) => ctx.services.gdc.close(input.project, input.transactionId),

  deleteEntities: (_p, { input }, ctx) => {
    if (input.source !== 'GDC') {
      throw badInput("deleteEntities deletes GDC entities; ENCODE records are not deleted but patched to status 'deleted' (patchRecord)", 'source');
    }
    if (!input.project) throw badInput('project is required for GDC (PROGRAM-PROJECT)', 'project');
    if (!input.ids.length) throw badInput('ids is empty: nothing to delete', 'ids');
    return ctx.services.gdc.delete(input.project, input.ids, input.dryRun ?? false);
  },

  submitBcrXml: (_p, { input }, ctx) =>
    ctx.services.gdc.submitBcrXml(input.project, {
      kind: input.kind === 'BIOSPECIMEN' ? 'biospecimen' : 'clinical',
      document: input.document,
      file: input.file,
      dryRun: input.dryRun ?? false,
    }),

  gdcProjectState: (_p, { project, action, dryRun, async }, ctx) =>
    ctx.services.gdc.projectState(project, PROJECT_STEPS[action], dryRun ?? false, async ?? false),
};

/** GdcProjectAction's values name the project endpoints they call. */
const PROJECT_STEPS = { OPEN: 'open', REVIEW: 'review', SUBMIT: 'submit', RELEASE: 'release' } as const;

/** GDC's unique keys, kept compact in large answers (see services/gdc/envelope.ts). */
export const entityResultFields: Pick<EntityResultResolvers, 'uniqueKeys'> = {
  uniqueKeys: (e) => uniqueKeysOf(e),
};
