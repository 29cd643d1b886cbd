/** GraphQL selections and guide examples shared by the GDC gateway tests. */

export const GDC_RESULT = `
  source success dryRun message transactionId createdCount updatedCount deletedCount errorCount upstreamStatus transactionalErrors
  casesRelatedToCreatedCount casesRelatedToUpdatedCount
  chunks { index transactionId success message firstIndex count }
  entities { index row action valid id type submitterId uniqueKeys relatedCases { id submitterId }
             errors { type message keys dependents } warnings }
`;

export const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${GDC_RESULT} } }`;
export const COMMIT = `mutation Commit($input: TransactionInput!) { commitTransaction(input: $input) { ${GDC_RESULT} } }`;
export const CLOSE = `mutation Close($input: TransactionInput!) { closeTransaction(input: $input) { ${GDC_RESULT} } }`;
export const DELETE = `mutation Delete($input: DeleteEntitiesInput!) { deleteEntities(input: $input) { ${GDC_RESULT} } }`;
export const ENTITIES = `query E($project: String!, $ids: [ID!]!) { gdcEntities(project: $project, ids: $ids) }`;

export const DRY_RUN_MESSAGE =
  'Transaction would have been successful. User selected dry run option, transaction aborted, no data written to database.';

/** The GDC submission guide's examples, as written there (project GDC-INTERNAL unless a test says otherwise). */
export const guideCase = {
  project_id: 'GDC-INTERNAL',
  type: 'case',
  submitter_id: 'GDC-INTERNAL-000093',
  disease_type: 'Blood Vessel Tumors',
  primary_site: 'Base of tongue',
  projects: { code: 'INTERNAL' },
};

export const guideSample = {
  type: 'sample',
  submitter_id: 'GDC-INTERNAL-000093-SAMPLE000093',
  tissue_type: 'Tumor',
  preservation_method: 'Fresh',
  specimen_type: 'Whole Bone Marrow',
  tumor_descriptor: 'Primary',
  cases: { submitter_id: 'GDC-INTERNAL-000093' },
};

export const guideAliquot = {
  type: 'aliquot',
  submitter_id: 'GDC-INTERNAL-000093-SAMPLE000093-ALIQUOT000093',
  samples: { submitter_id: 'GDC-INTERNAL-000093-SAMPLE000093' },
};

export const guideSamplesTsv = [
  'type\tproject_id\tsubmitter_id\tcases.submitter_id\tspecimen_type\ttissue_type\ttumor_descriptor\tpreservation_method',
  'sample\tGDC-INTERNAL\tGDC-INTERNAL-000093-sampleA\tGDC-INTERNAL-000093\tSolid Tissue\tTumor\tPrimary\tFrozen',
  'sample\tGDC-INTERNAL\tGDC-INTERNAL-000093-sampleB\tGDC-INTERNAL-000093\tSolid Tissue\tNormal\tNot Reported\tFrozen',
].join('\n');

/** A case of the guide's shape with another submitter_id (and project, when given). */
export function caseOf(submitterId: string, project = 'GDC-INTERNAL') {
  const code = project.slice(project.indexOf('-') + 1);
  return { ...guideCase, project_id: project, submitter_id: submitterId, projects: { code } };
}

export function sampleOf(submitterId: string, caseSubmitterId: string) {
  return { ...guideSample, submitter_id: submitterId, cases: { submitter_id: caseSubmitterId } };
}

export function aliquotOf(submitterId: string, sampleSubmitterId: string) {
  return { type: 'aliquot', submitter_id: submitterId, samples: { submitter_id: sampleSubmitterId } };
}

/**
 * A GraphQL request with one file, as the multipart request spec sends it (the way GraphiQL
 * clients and curl -F do): the file's bytes stream from `body`.
 */
export async function gqlWithFile(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown>,
  filePath: string,
  file: { name: string; bytes: Buffer | Blob },
): Promise<{ status: number; data: any; errors?: any[] }> {
  const { FormData, request } = await import('undici');
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify({ 0: [filePath] }));
  const blob = file.bytes instanceof Blob ? file.bytes : new Blob([new Uint8Array(file.bytes)]);
  form.append('0', blob, file.name);
  const res = await request(graphqlUrl, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } });
  const body = (await res.body.json()) as { data: any; errors?: any[] };
  return { status: res.statusCode, data: body.data, errors: body.errors };
}
