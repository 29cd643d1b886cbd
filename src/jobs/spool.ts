import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { GatewayContext } from '../context';
import type { CreateEntitiesInput, PatchRecordsInput, UploadFileInput } from '../generated/resolvers-types';
import { badInput } from '../services/documents';
import { openDocument } from '../services/gdc/document/input';
import type { GdcDocument } from '../services/gdc/document/source';
import { readSubmissionInput } from '../services/submission-document';
import type { JobSpec } from './spec';

/** A job's input checked as the synchronous mutation checks it, ready to be spooled under DATA_DIR. */
export interface SpooledInput {
  spec: JobSpec;
  /** Writes the document to `path` (streamed; a file upload is never held whole) and frees what held it. */
  write(path: string): Promise<void>;
  /** Frees what held the document when the job is not created after all. */
  discard(): Promise<void>;
}

function required<T>(value: T | null | undefined, name: string, why: string): T {
  if (value === null || value === undefined || value === '') throw badInput(`${name} is required ${why}`, name);
  return value;
}

const base = { targetId: null, upsert: false, dryRun: false, chunkSize: null, award: null, lab: null, noAliases: false, overwriteArrays: false, removeProperties: [] };

export async function spoolCreateEntities(input: CreateEntitiesInput, ctx: GatewayContext): Promise<SpooledInput> {
  if (input.async) throw badInput('async is for the synchronous createEntities (GDC answers at once with a transaction id); a job already runs in the background', 'async');
  if (input.source === 'GDC') {
    const project = required(input.project, 'project', 'for GDC (PROGRAM-PROJECT)');
    if (input.chunkSize !== null && input.chunkSize !== undefined && (!Number.isInteger(input.chunkSize) || input.chunkSize < 1)) {
      throw badInput(`chunkSize must be a positive integer, got ${input.chunkSize}`, 'chunkSize');
    }
    const doc = await openDocument(input, ctx.maxUploadBytes, ctx.documentLimits.limits.columns);
    const spec: JobSpec = { ...base, kind: 'createEntities', source: 'GDC', project, profile: null, format: doc.format, filename: doc.filename, upsert: input.upsert ?? false, dryRun: input.dryRun ?? false, chunkSize: input.chunkSize ?? null };
    return gdcSpool(spec, doc);
  }
  const profile = required(input.profile, 'profile', 'for ENCODE (the item type, e.g. biosample)');
  const doc = await readSubmissionInput(input, ctx.maxUploadBytes);
  // Refused now, as createEntities refuses it, rather than by a job that fails at its first slice
  // (after the document is read, so an uploaded one is not left half-consumed).
  await ctx.services.encode.checkProfile(profile);
  const spec: JobSpec = {
    ...base, kind: 'createEntities', source: 'ENCODE', project: null, profile, format: doc.format, filename: doc.filename,
    upsert: input.upsert ?? false, dryRun: input.dryRun ?? false, award: input.award ?? null, lab: input.lab ?? null, noAliases: input.noAliases ?? false,
  };
  return textSpool(spec, doc.text ?? JSON.stringify(doc.entities));
}

export async function spoolPatchRecords(input: PatchRecordsInput, ctx: GatewayContext): Promise<SpooledInput> {
  if (input.source === 'GDC') throw badInput('patchRecords takes ENCODE records; for GDC, send the entities with startCreateEntities(upsert: true)', 'source');
  const doc = await readSubmissionInput(input, ctx.maxUploadBytes);
  const spec: JobSpec = {
    ...base, kind: 'patchRecords', source: 'ENCODE', project: null, profile: input.profile ?? null, format: doc.format, filename: doc.filename,
    dryRun: input.dryRun ?? false, overwriteArrays: input.overwriteArrays ?? false, removeProperties: input.removeProperties ?? [],
  };
  return textSpool(spec, doc.text ?? JSON.stringify(doc.entities));
}

/**
 * uploadFile as a job: the bytes are spooled to DATA_DIR as they arrive (bounded like any upload
 * by the multipart limit, MAX_DATA_FILE_BYTES) and sent from there in the background.
 */
export async function spoolUploadFile(input: UploadFileInput): Promise<SpooledInput> {
  if (input.source === 'GDC') required(input.project, 'project', 'for GDC (PROGRAM-PROJECT)');
  const upload = await input.file;
  const spec: JobSpec = { ...base, kind: 'uploadFile', source: input.source, project: input.project ?? null, profile: null, format: 'json', filename: upload.filename, targetId: input.id };
  return {
    spec,
    write: async (path) => {
      const source = upload.createReadStream();
      await pipeline(source, createWriteStream(path, { mode: 0o600 }));
      if ((source as unknown as { truncated?: boolean }).truncated) throw badInput(`The file '${upload.filename}' is larger than this gateway takes (MAX_DATA_FILE_BYTES)`, 'file');
    },
    discard: async () => void upload.createReadStream().resume(),
  };
}

function gdcSpool(spec: JobSpec, doc: GdcDocument): SpooledInput {
  return {
    spec,
    write: async (path) => {
      try {
        await pipeline(doc.open(), createWriteStream(path, { mode: 0o600 }));
      } finally {
        await doc.dispose();
      }
    },
    discard: () => doc.dispose(),
  };
}

function textSpool(spec: JobSpec, text: string): SpooledInput {
  return {
    spec,
    write: async (path) => {
      const out = createWriteStream(path, { mode: 0o600 });
      await pipeline(async function* () {
        yield Buffer.from(text, 'utf8');
      }, out);
    },
    discard: async () => undefined,
  };
}
