import type { MutationResolvers } from '../generated/resolvers-types';
import { inUploadSlot } from '../services/upload-slots';

export const fileMutations: Pick<MutationResolvers, 'uploadFile' | 'deleteFileBytes' | 'abortFileUpload'> = {
  uploadFile: (_p, { input }, ctx) =>
    inUploadSlot(ctx.services.uploads.slots, input.file, () => {
      if (input.source === 'GDC') return ctx.services.uploads.gdc({ id: input.id, project: input.project ?? null, file: input.file, partBytes: input.partBytes ?? null });
      return ctx.services.uploads.encode.upload(input.id, input.file);
    }),

  deleteFileBytes: (_p, { project, id }, ctx) => ctx.services.gdc.deleteFileBytes(project, id),

  abortFileUpload: (_p, { project, id }, ctx) => ctx.services.uploads.gdcAbort(project, id),
};
