import type { MutationResolvers } from '../generated/resolvers-types';

export const fileMutations: Pick<MutationResolvers, 'uploadFile'> = {
  uploadFile: (_p, { input }, ctx) => {
    if (input.source === 'GDC') return ctx.services.uploads.gdc({ id: input.id, project: input.project ?? null, file: input.file });
    return ctx.services.uploads.encode.upload(input.id, input.file);
  },
};
