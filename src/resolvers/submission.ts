import type { MutationResolvers } from '../generated/resolvers-types';
import { badInput } from '../services/documents';
import { readSubmissionInput } from '../services/submission-document';

function required<T>(value: T | null | undefined, name: string, why: string): T {
  if (value === null || value === undefined || value === '') throw badInput(`${name} is required ${why}`, name);
  return value;
}

const PROJECT_WHY = 'for GDC (PROGRAM-PROJECT)';

export const submissionMutations: Pick<MutationResolvers, 'createEntities' | 'patchRecord'> = {
  createEntities: async (_p, { input }, ctx) => {
    // GDC documents stream upstream (never read whole); ENCODE records are parsed here.
    if (input.source === 'GDC') return ctx.services.gdc.create(required(input.project, 'project', PROJECT_WHY), input);
    const doc = await readSubmissionInput(input, ctx.maxUploadBytes);
    const dryRun = input.dryRun ?? false;
    return ctx.services.encode.create(required(input.profile, 'profile', 'for ENCODE (the item type, e.g. biosample)'), doc, dryRun);
  },

  patchRecord: async (_p, { input }, ctx) => {
    const patch = input.patch;
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badInput('patch must be a JSON object', 'patch');
    const dryRun = input.dryRun ?? false;
    if (input.source === 'GDC') {
      return ctx.services.gdc.patch(required(input.project, 'project', PROJECT_WHY), input.id, patch as Record<string, unknown>, dryRun);
    }
    return ctx.services.encode.patch(input.id, patch as Record<string, unknown>, dryRun);
  },
};
