import type { EntityErrorResolvers, MutationResolvers } from '../generated/resolvers-types';
import { badInput } from '../services/documents';
import { readSubmissionInput } from '../services/submission-document';

function required<T>(value: T | null | undefined, name: string, why: string): T {
  if (value === null || value === undefined || value === '') throw badInput(`${name} is required ${why}`, name);
  return value;
}

const PROJECT_WHY = 'for GDC (PROGRAM-PROJECT)';

export const submissionMutations: Pick<MutationResolvers, 'createEntities' | 'patchRecord' | 'patchRecords'> = {
  createEntities: async (_p, { input }, ctx) => {
    // GDC documents stream upstream (never read whole); ENCODE records are parsed here.
    if (input.source === 'GDC') return ctx.services.gdc.create(required(input.project, 'project', PROJECT_WHY), input);
    const doc = await readSubmissionInput(input, ctx.maxUploadBytes);
    const dryRun = input.dryRun ?? false;
    return ctx.services.encode.create(required(input.profile, 'profile', 'for ENCODE (the item type, e.g. biosample)'), doc, {
      dryRun,
      upsert: input.upsert ?? false,
      award: input.award,
      lab: input.lab,
      noAliases: input.noAliases ?? false,
    });
  },

  patchRecord: async (_p, { input }, ctx) => {
    const patch = input.patch;
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badInput('patch must be a JSON object', 'patch');
    const dryRun = input.dryRun ?? false;
    if (input.source === 'GDC') {
      return ctx.services.gdc.patch(required(input.project, 'project', PROJECT_WHY), input.id, patch as Record<string, unknown>, dryRun);
    }
    return ctx.services.encode.patch(input.id, patch as Record<string, unknown>, {
      dryRun,
      overwriteArrays: input.overwriteArrays ?? false,
      removeProperties: input.removeProperties ?? [],
    });
  },

  patchRecords: async (_p, { input }, ctx) => {
    if (input.source === 'GDC') throw badInput('patchRecords takes ENCODE records; for GDC, send the entities with createEntities(upsert: true)', 'source');
    const doc = await readSubmissionInput(input, ctx.maxUploadBytes);
    return ctx.services.encode.patchMany(doc, {
      dryRun: input.dryRun ?? false,
      overwriteArrays: input.overwriteArrays ?? false,
      removeProperties: input.removeProperties ?? [],
      profile: input.profile,
    });
  },
};

/** `code` is the model's `type` (the one vocabulary, services/errors/codes.ts); `type` stays for older callers. */
export const entityErrorFields: Pick<EntityErrorResolvers, 'code'> = {
  code: (e) => e.type,
};
