/** JSON shapes of the GDC submission API (sheepdog / gdcapi), as it sends them. */

export interface GdcEntityError {
  type: string;
  message: string;
  keys?: string[];
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

/** The envelope of POST/PUT (and _dry_run) on /<program>/<project>. `code` equals the HTTP status. */
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
