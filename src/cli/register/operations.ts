/** The GraphQL operations the CLI sends: the gateway's public contract, nothing else. */

const RESULT = `
  success dryRun message createdCount updatedCount errorCount upstreamStatus
  entities { index row action valid id accession type aliases record errors { code message keys location } warnings }
`;

export const CREATE = `mutation Register($input: CreateEntitiesInput!) { createEntities(input: $input) { ${RESULT} } }`;
export const PATCH = `mutation Patch($input: PatchRecordsInput!) { patchRecords(input: $input) { ${RESULT} } }`;
/** The same inputs as jobs (issue 16): the job's id, then its progress over the subscription and its result in pages. */
export const START_CREATE = `mutation RegisterJob($input: CreateEntitiesInput!) { startCreateEntities(input: $input) { id } }`;
export const START_PATCH = `mutation PatchJob($input: PatchRecordsInput!) { startPatchRecords(input: $input) { id } }`;
export const JOB_RESULT = `query RegisterJobResult($id: ID!, $first: Int!, $after: String) { job(id: $id) { result(first: $first, after: $after) { ${RESULT} } } }`;
export const UPLOAD = `mutation Upload($input: UploadFileInput!) { uploadFile(input: $input) { success message bytes md5sum errors { code message keys } } }`;
export const INFO = `query Info { gatewayInfo { version sandbox upstreams { source url sandbox } } }`;

export interface EntityResult {
  index: number;
  row: number | null;
  action: string | null;
  valid: boolean;
  id: string | null;
  accession: string | null;
  type: string | null;
  aliases: string[];
  record: Record<string, unknown> | null;
  errors: { code: string; message: string; keys: string[]; location: string | null }[];
  warnings: string[];
}

export interface SubmissionResult {
  success: boolean;
  dryRun: boolean;
  message: string;
  createdCount: number;
  updatedCount: number;
  errorCount: number;
  entities: EntityResult[];
}

export interface UploadResult {
  success: boolean;
  message: string;
  bytes: number | null;
  md5sum: string | null;
  errors: { code: string; message: string; keys: string[] }[];
}

export interface GatewayInfo {
  gatewayInfo: { version: string; sandbox: boolean; upstreams: { source: string; url: string; sandbox: boolean }[] };
}
