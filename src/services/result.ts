/** The gateway's one result shape for every write, whichever upstream answered. */
import type { EntityErrorCode } from './errors/codes';

export type SourceName = 'ENCODE' | 'GDC';

/** One entity error (schema `EntityError`); built by errors/* translators or `entityError`. */
export interface EntityErrorModel {
  /** The code (schema `code`; `type` is the same value). */
  type: EntityErrorCode;
  /** Plain words; starts with "Row N[, column 'c']: " once placed in a TSV/CSV document (errors/place.ts). */
  message: string;
  keys: string[];
  location: string | null;
  /** The upstream's own text; null/absent when the gateway found the error itself. */
  upstreamMessage?: string | null;
  /** Document line and column, set when the error is placed; absent = not placed yet. */
  row?: number | null;
  column?: string | null;
  /** GDC deletion refused: the ids of the dependents. */
  dependents?: string[] | null;
}

export interface EntityResultModel {
  index: number;
  row: number | null;
  action: string | null;
  valid: boolean;
  id: string | null;
  accession?: string | null;
  type: string | null;
  submitterId: string | null;
  aliases: string[];
  record?: unknown;
  /** GDC: the project of unique keys that are exactly {project_id, submitter_id} (see gdc/envelope.ts uniqueKeysOf). */
  projectId?: string | null;
  uniqueKeys: Record<string, unknown>[];
  relatedCases: { id: string; submitterId: string | null }[];
  errors: EntityErrorModel[];
  warnings: string[];
}

export interface SubmissionResultModel {
  source: SourceName;
  success: boolean;
  dryRun: boolean;
  message: string;
  transactionId: number | null;
  createdCount: number;
  updatedCount: number;
  /** GDC deletions: entities deleted (or that a dry run would delete); null for other writes. */
  deletedCount?: number | null;
  errorCount: number;
  entities: EntityResultModel[];
  transactionalErrors: string[];
  upstreamStatus: number | null;
  casesRelatedToCreatedCount: number | null;
  casesRelatedToUpdatedCount: number | null;
  chunks: TransactionChunkModel[];
}

export interface TransactionChunkModel {
  index: number;
  transactionId: number | null;
  success: boolean;
  message: string;
  firstIndex: number;
  count: number;
}

export function emptyEntity(index: number, row: number | null = null): EntityResultModel {
  return {
    index,
    row,
    action: null,
    valid: false,
    id: null,
    accession: null,
    type: null,
    submitterId: null,
    aliases: [],
    record: null,
    uniqueKeys: [],
    relatedCases: [],
    errors: [],
    warnings: [],
  };
}

/** An error the gateway found itself (no upstream text). */
export function entityError(type: EntityErrorCode, message: string, keys: string[] = [], location: string | null = null): EntityErrorModel {
  return { type, message, keys, location, upstreamMessage: null };
}

/** What `uploadFile` answers, whichever upstream stored the bytes. */
export interface UploadResultModel {
  source: SourceName;
  id: string;
  success: boolean;
  message: string;
  /** Bytes that passed through the gateway (all of them on success). */
  bytes: number | null;
  md5sum: string | null;
  errors: EntityErrorModel[];
}

/** Counts the bytes each upload moved (the metrics seam: the server decides where they go). */
export type UploadObserver = (event: { source: SourceName; bytes: number; success: boolean }) => void;

/** What `deleteFileBytes` answers: a GDC data file's bytes removed, the entity kept. */
export interface FileBytesDeletionModel {
  id: string;
  success: boolean;
  message: string;
  /** file_state read back after the deletion (or as it was, when GDC refused). */
  fileState: string | null;
  errors: EntityErrorModel[];
}

/** What `abortFileUpload` answers: an interrupted multipart upload of a GDC data file dropped. */
export interface UploadAbortModel {
  id: string;
  success: boolean;
  message: string;
  errors: EntityErrorModel[];
}
