import { createHash } from 'node:crypto';
import type { RunningEncode } from '../../src/sandbox';
import { uploadUrlOf } from './upload-url';

export const MiB = 1024 * 1024;
export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** uploadFile with everything its answer says, as the upload tests read it. */
export const UPLOAD = `mutation Upload($input: UploadFileInput!) {
  uploadFile(input: $input) { source id success message bytes md5sum errors { type message keys } }
}`;

export interface UploadAnswer {
  uploadFile: { source: string; id: string; success: boolean; message: string; bytes: number | null; md5sum: string | null; errors: { type: string; message: string; keys: string[] }[] };
}

const CREATE = `mutation Create($input: CreateEntitiesInput!) {
  createEntities(input: $input) { success entities { id accession errors { type message } } }
}`;

/** Runs a GraphQL operation against the gateway and gives its `data` (throwing on errors). */
export type Data = (query: string, variables: Record<string, unknown>) => Promise<any>;

/**
 * ENCODE file records for upload tests, made through the gateway on the sandbox portal: an
 * experiment to hold them (made once), then one fastq record per set of bytes, md5sum and
 * file_size from the bytes unless `extra` overrides them (null drops a property), with the S3 key
 * the portal issued for it.
 */
export class EncodeFileRecords {
  private serial = 0;
  private experiment: Promise<string> | null = null;

  constructor(
    private readonly data: Data,
    private readonly encode: Pick<RunningEncode, 'url' | 'credentials'>,
    /** Alias prefix: records of different test files never meet. */
    private readonly prefix: string,
  ) {}

  async create(bytes: Buffer, extra: Record<string, unknown> = {}): Promise<{ uuid: string; accession: string; key: string }> {
    const n = ++this.serial;
    const record: Record<string, unknown> = {
      award: 'UM1HG000000',
      lab: 'sandbox-lab',
      dataset: await this.experimentAccession(),
      file_format: 'fastq',
      output_type: 'reads',
      aliases: [`sandbox-lab:${this.prefix}-${n}`],
      submitted_file_name: `/data/${this.prefix}-${n}.fastq.gz`,
      md5sum: md5(bytes),
      file_size: bytes.length,
      ...extra,
    };
    for (const [k, v] of Object.entries(record)) if (v === null) delete record[k];
    const e = await this.createOne('file', record);
    return { uuid: e.id, accession: e.accession, key: (await uploadUrlOf(this.encode, e.id)).replace(/^s3:\/\/[^/]+\//, '') };
  }

  /** The experiment the file records belong to, made on first use. */
  experimentAccession(): Promise<string> {
    const exp = { award: 'UM1HG000000', lab: 'sandbox-lab', assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: [`sandbox-lab:${this.prefix}-exp`] };
    this.experiment ??= this.createOne('experiment', exp).then((e) => e.accession);
    return this.experiment;
  }

  private async createOne(profile: string, record: Record<string, unknown>): Promise<{ id: string; accession: string }> {
    const created = (await this.data(CREATE, { input: { source: 'ENCODE', profile, entities: [record] } })).createEntities;
    if (!created.success) throw new Error(`${profile} record: ${JSON.stringify(created.entities[0].errors)}`);
    return created.entities[0];
  }
}
