/** JSON shapes of the ENCODE portal (snovault), as it sends them. */

/** A record in the object frame: stored properties, defaults, calculated ones; links as @id paths. */
export interface EncodeRecord {
  '@id': string;
  '@type': string[];
  uuid: string;
  accession?: string;
  alternate_accessions?: string[];
  aliases?: string[];
  md5sum?: string;
  [property: string]: unknown;
}

export type EncodeFrame = 'object' | 'edit' | 'embedded';

export interface EncodeSearchResponse {
  '@graph': EncodeRecord[];
  total: number;
  notification: string;
  [key: string]: unknown;
}

/** What a search query resolves to in GraphQL (mapped onto `EncodeSearchResult`). */
export interface EncodeSearchPage {
  total: number;
  records: EncodeRecord[];
}

/** 201/200 answer to POST, PATCH and PUT. */
export interface EncodeWriteResponse {
  status: 'success';
  '@type': string[];
  '@graph': EncodeRecord[];
}

/** One entry of a 422 ValidationFailure. `name` is the JSON path inside the record. */
export interface EncodeValidationError {
  location: string;
  name: (string | number)[] | string;
  description: string;
}

/** snovault's error envelope (validation.py / renderers). */
export interface EncodeErrorResponse {
  '@type': string[];
  status: 'error';
  code: number;
  title: string;
  description: string;
  detail?: string;
  errors?: EncodeValidationError[];
}

/** Result of one write: the record on success, the upstream's error body, or why the answer was lost. */
export interface EncodeWriteOutcome {
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  record?: EncodeRecord;
  error?: EncodeErrorResponse;
  /** The write may or may not have landed: the connection dropped or timed out after sending, or a 5xx. */
  lost?: string;
}

/** A file record's `upload_credentials` (an STS federation token for one S3 key). */
export interface EncodeUploadCredentials {
  access_key: string;
  secret_key: string;
  session_token: string;
  /** ISO date-time. */
  expiration: string;
  /** `s3://bucket/key`. */
  upload_url: string;
  [field: string]: unknown;
}

/** `/profiles/<name>.json`: a draft-04 JSON schema with ENCODE keywords, mixins resolved. */
export type EncodeProfile = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
