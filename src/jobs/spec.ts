import type { GdcDocumentFormat } from '../datasources/gdc/models';

/** What a job does, kept beside its spooled document (the store's `input`): enough to run it again after a restart. */
export interface JobSpec {
  kind: 'createEntities' | 'patchRecords' | 'uploadFile';
  source: 'GDC' | 'ENCODE';
  /** GDC: PROGRAM-PROJECT. */
  project: string | null;
  /** ENCODE: the profile to create in, or the one every patched record must belong to. */
  profile: string | null;
  /** The spooled document's encoding (entities given as a list are spooled as JSON). */
  format: GdcDocumentFormat;
  filename: string | null;
  upsert: boolean;
  dryRun: boolean;
  /** GDC: entities per transaction. */
  chunkSize: number | null;
  award: string | null;
  lab: string | null;
  noAliases: boolean;
  overwriteArrays: boolean;
  removeProperties: string[];
  /** uploadFile: the file record (ENCODE) or data file entity (GDC) the bytes are for. */
  targetId: string | null;
  /** With tracing on: traceparent/tracestate of the operation that started the job, for its span (src/plugins/tracing.ts). */
  trace?: Record<string, string>;
}

/** GDC entities per transaction when a job's input names no chunkSize: progress every chunk, a resume repeats at most one. */
export const DEFAULT_JOB_CHUNK_SIZE = 1000;

/** ENCODE records per slice (each slice is one createEntities/patchRecords call and one store write). */
export const ENCODE_SLICE = 25;
