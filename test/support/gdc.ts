import { Readable } from 'node:stream';

/** GraphQL selections and guide examples shared by the GDC gateway tests. */

export const GDC_RESULT = `
  source success dryRun message transactionId createdCount updatedCount deletedCount errorCount upstreamStatus transactionalErrors
  casesRelatedToCreatedCount casesRelatedToUpdatedCount
  chunks { index transactionId success message firstIndex count }
  entities { index row action valid id type submitterId uniqueKeys relatedCases { id submitterId }
             errors { code type message upstreamMessage row column keys dependents } warnings }
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

/** Valid documents of the real dictionary (3.0.3) for the biospecimen tree and a data file. */
export const docs = {
  portion: (submitterId: string, sample: string, isFfpe = false) => ({ type: 'portion', submitter_id: submitterId, is_ffpe: isFfpe, samples: { submitter_id: sample } }),
  analyte: (submitterId: string, portion: string) => ({ type: 'analyte', submitter_id: submitterId, analyte_type: 'DNA', portions: { submitter_id: portion } }),
  aliquot: (submitterId: string, analyte: string) => ({ type: 'aliquot', submitter_id: submitterId, analytes: { submitter_id: analyte } }),
  diagnosis: (submitterId: string, caseSubmitterId: string) => ({
    type: 'diagnosis',
    submitter_id: submitterId,
    age_at_diagnosis: 47,
    morphology: '8255/3',
    primary_diagnosis: 'Hepatosplenic gamma-delta cell lymphoma',
    diagnosis_is_primary_disease: true,
    site_of_resection_or_biopsy: 'Middle ear',
    tissue_or_organ_of_origin: 'Bone marrow',
    cases: { submitter_id: caseSubmitterId },
  }),
  readGroup: (submitterId: string, aliquot: string) => ({
    type: 'read_group',
    submitter_id: submitterId,
    experiment_name: 'Resequencing',
    sequencing_center: 'BI',
    platform: 'Illumina',
    library_selection: 'Hybrid Selection',
    library_strategy: 'WXS',
    library_name: 'Solexa-34688',
    is_paired_end: true,
    read_length: 75,
    read_group_name: '205DD.3-2',
    target_capture_kit: 'SureSelect Human All Exon v5',
    aliquots: { submitter_id: aliquot },
  }),
  unalignedReads: (submitterId: string, readGroup: string, file: { name: string; size: number; md5: string }) => ({
    type: 'submitted_unaligned_reads',
    submitter_id: submitterId,
    file_name: file.name,
    file_size: file.size,
    md5sum: file.md5,
    data_category: 'Sequencing Reads',
    data_type: 'Unaligned Reads',
    data_format: 'FASTQ',
    experimental_strategy: 'WGS',
    read_pair_number: 'R1',
    read_groups: { submitter_id: readGroup },
  }),
};

/**
 * A GraphQL multipart request whose file part streams from `source` (which may fail halfway, as a
 * client whose connection breaks does). Resolves with the answer, or rejects when the request broke.
 */
/**
 * The entities a GDC data file hangs from, parents first: case, sample, portion, analyte, aliquot
 * and read group, named `<prefix>-C`, `-S`, `-P`, `-AN`, `-A` and `-RG` (link files to `<prefix>-RG`).
 */
export function readGroupChain(prefix: string) {
  return [
    caseOf(`${prefix}-C`),
    sampleOf(`${prefix}-S`, `${prefix}-C`),
    docs.portion(`${prefix}-P`, `${prefix}-S`),
    docs.analyte(`${prefix}-AN`, `${prefix}-P`),
    docs.aliquot(`${prefix}-A`, `${prefix}-AN`),
    docs.readGroup(`${prefix}-RG`, `${prefix}-A`),
  ];
}

export async function gqlWithStream(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown>,
  filePath: string,
  fileName: string,
  source: AsyncIterable<Buffer>,
): Promise<{ status: number; data: any; errors?: any[] }> {
  const { request } = await import('undici');
  const boundary = `----gdc-test-${Date.now()}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  async function* body(): AsyncGenerator<Buffer> {
    yield Buffer.from(field('operations', JSON.stringify({ query, variables })) + field('map', JSON.stringify({ 0: [filePath] })));
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    yield* source;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  const res = await request(graphqlUrl, {
    method: 'POST',
    body: Readable.from(body()),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true' },
  });
  const json = (await res.body.json()) as { data: any; errors?: any[] };
  return { status: res.statusCode, data: json.data, errors: json.errors };
}
