import { GraphQLError } from 'graphql';
import type { MutationResolvers } from '../generated/resolvers-types';

export const fileMutations: Pick<MutationResolvers, 'uploadFile'> = {
  uploadFile: (_p, { input }, ctx) => {
    if (input.source === 'GDC') return ctx.services.uploads.gdc({ id: input.id, project: input.project ?? null, file: input.file });
    // ENCODE uploads (src/services/encode/upload.ts) come with the ENCODE upload work.
    throw new GraphQLError('uploadFile does not support ENCODE in this build', { extensions: { code: 'NOT_IMPLEMENTED', upstream: 'ENCODE' } });
  },
};
