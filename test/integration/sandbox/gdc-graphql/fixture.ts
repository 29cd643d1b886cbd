import { request } from 'undici';
import { createGdcSandbox, GDC_SANDBOX_TOKENS, type GdcSandboxOptions } from '../../../../src/sandbox/gdc';
import { listen, type Listening } from '../../../../src/sandbox/shared/listen';
import { dataPath } from '../../../../src/sandbox/shared/paths';

export interface Reply {
  status: number;
  json: any;
}

/** A GDC sandbox on the real dictionary (the YAML folder in data/), spoken to over HTTP only. */
export class GdcGraphqlFixture {
  private constructor(private readonly server: Listening) {}

  static async start(options: GdcSandboxOptions = {}): Promise<GdcGraphqlFixture> {
    const sandbox = await createGdcSandbox({ dictionary: dataPath('gdc', 'dictionary'), ...options });
    return new GdcGraphqlFixture(await listen(sandbox.handler));
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await request(`${this.server.url}${path}`, {
      method: method as 'GET',
      headers: { 'x-auth-token': GDC_SANDBOX_TOKENS.submitter, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.statusCode, json };
  }

  /** POST /v0/submission/graphql with {query, variables}. */
  gql(query: string, variables?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.call('POST', '/v0/submission/graphql', variables === undefined ? { query } : { query, variables }, headers);
  }

  /** The data of a query that must succeed: 200 and no `errors` key at all. */
  async data(query: string, variables?: unknown): Promise<any> {
    const reply = await this.gql(query, variables);
    if (reply.status !== 200 || 'errors' in reply.json) throw new Error(`GraphQL failed (${reply.status}): ${JSON.stringify(reply.json)}`);
    return reply.json.data;
  }

  /** A REST submission that must succeed; returns the envelope. */
  async submit(projectId: string, docs: unknown, method = 'POST', suffix = ''): Promise<any> {
    const [program, project] = projectId.split(/-(.*)/);
    const reply = await this.call(method, `/v0/submission/${program}/${project}${suffix}`, docs);
    if (!reply.json.success) throw new Error(`submission failed (${reply.status}): ${JSON.stringify(reply.json)}`);
    return reply.json;
  }
}

// Documents valid against the real dictionary (values from gdcdictionary's own examples).
export const caseDoc = (project: string, submitterId: string, extra: Record<string, unknown> = {}) => ({
  type: 'case',
  submitter_id: submitterId,
  disease_type: 'Blood Vessel Tumors',
  primary_site: 'Bronchus and lung',
  projects: { code: project },
  ...extra,
});

export const sampleDoc = (submitterId: string, caseId: string, extra: Record<string, unknown> = {}) => ({
  type: 'sample',
  submitter_id: submitterId,
  tissue_type: 'Tumor',
  preservation_method: 'Frozen',
  specimen_type: 'Solid Tissue',
  tumor_descriptor: 'Primary',
  cases: { submitter_id: caseId },
  ...extra,
});

export const portionDoc = (submitterId: string, sampleId: string, isFfpe: boolean) => ({
  type: 'portion',
  submitter_id: submitterId,
  is_ffpe: isFfpe,
  samples: { submitter_id: sampleId },
});

export const analyteDoc = (submitterId: string, portionId: string) => ({
  type: 'analyte',
  submitter_id: submitterId,
  analyte_type: 'DNA',
  portions: { submitter_id: portionId },
});

export const aliquotDoc = (submitterId: string, analyteId: string, extra: Record<string, unknown> = {}) => ({
  type: 'aliquot',
  submitter_id: submitterId,
  analytes: { submitter_id: analyteId },
  ...extra,
});

export const diagnosisDoc = (submitterId: string, caseId: string) => ({
  type: 'diagnosis',
  submitter_id: submitterId,
  age_at_diagnosis: 47,
  morphology: '8255/3',
  primary_diagnosis: 'Hepatosplenic gamma-delta cell lymphoma',
  diagnosis_is_primary_disease: true,
  site_of_resection_or_biopsy: 'Middle ear',
  tissue_or_organ_of_origin: 'Bone marrow',
  cases: { submitter_id: caseId },
});

export const readGroupDoc = (submitterId: string, aliquotId: string) => ({
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
  read_group_name: '205DD.3',
  target_capture_kit: 'SureSelect Human All Exon v5',
  aliquots: [{ submitter_id: aliquotId }],
});

export const unalignedReadsDoc = (submitterId: string, fileName: string, readGroupId: string, extra: Record<string, unknown> = {}) => ({
  type: 'submitted_unaligned_reads',
  submitter_id: submitterId,
  file_name: fileName,
  file_size: 5747943025,
  md5sum: 'd81203da215be180128f260b788900b5',
  data_category: 'Sequencing Reads',
  data_type: 'Unaligned Reads',
  data_format: 'FASTQ',
  experimental_strategy: 'WGS',
  read_pair_number: 'R1',
  read_groups: { submitter_id: readGroupId },
  ...extra,
});
