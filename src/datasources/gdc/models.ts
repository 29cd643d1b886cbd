/** JSON shapes of the GDC submission API (sheepdog / gdcapi), as it sends them. */

export interface GdcEntityError {
  type: string;
  message: string;
  keys?: string[];
  /** A deletion refused because others depend on the entity (INVALID_LINK). */
  dependents?: { id: string; type?: string }[];
  [key: string]: unknown;
}

export interface GdcEntityResult {
  valid: boolean;
  action: string | null;
  type: string | null;
  id: string | null;
  unique_keys?: { project_id?: string; submitter_id?: string }[];
  related_cases?: { id: string; submitter_id: string }[];
  errors: GdcEntityError[];
  warnings: unknown[];
}

/**
 * The envelope of POST/PUT/PATCH (and _dry_run) on /<program>/<project>, of a commit, and of
 * DELETE …/entities (which adds deleted_entity_count and dependent_ids). `code` equals the HTTP status.
 */
export interface GdcSubmissionResponse {
  transaction_id: number | null;
  success: boolean;
  code: number;
  message: string;
  entity_error_count: number;
  transactional_error_count: number;
  transactional_errors: (string | { message: string; type?: string })[];
  created_entity_count: number;
  updated_entity_count: number;
  entities: GdcEntityResult[];
  cases_related_to_created_entities_count?: number;
  cases_related_to_updated_entities_count?: number;
  deleted_entity_count?: number;
  /** Comma-joined ids of the entities that block a deletion. */
  dependent_ids?: string;
}

/**
 * Any answer of a GDC write: an envelope when a transaction ran, else GDC's short form
 * `{message[, code, transaction_id]}` (async "Transaction submitted.", "Closed transaction.", and the
 * refusals of commit and close, unreadable documents, unknown projects).
 */
export interface GdcAnswer {
  status: number;
  envelope: GdcSubmissionResponse | null;
  message: string;
  transactionId: number | null;
}

/** One entity as GET /entities/<ids> returns it. */
export interface GdcEntity {
  program: string;
  project: string;
  properties: Record<string, unknown> & { id: string; type: string };
}

export interface GdcEntitiesResponse {
  entities: GdcEntity[];
}

/** PROGRAM-PROJECT split the way GDC does: the program is everything before the first '-'. */
export interface GdcProjectRef {
  program: string;
  project: string;
}

export type GdcDocumentFormat = 'json' | 'tsv' | 'csv';
