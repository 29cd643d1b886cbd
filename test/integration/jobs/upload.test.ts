import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { allEntities, JOB_FIELDS, waitForJob } from '../../support/jobs';
import { ok, startStack, type Stack } from '../../support/stack';
import { uploadUrlOf } from '../../support/upload-url';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { id accession errors { type message } } } }`;
const START_UPLOAD = `mutation U($input: UploadFileInput!) { startUploadFile(input: $input) { ${JOB_FIELDS} progress { bytesTotal bytesDone } } }`;

/** Issue 16: startUploadFile spools the bytes, answers with the job, and sends them in the background. */
describe('upload jobs (ENCODE)', () => {
  let stack: Stack;
  let s3: S3Client;

  beforeAll(async () => {
    stack = await startStack({}, { uploads: { partBytes: 5 * MiB, maxDataFileBytes: 20 * MiB } });
    const box = stack.sandbox.s3!;
    s3 = new S3Client({ endpoint: box.url, region: box.region, forcePathStyle: true, credentials: { accessKeyId: box.accessKeyId, secretAccessKey: box.secretAccessKey } });
  }, 60_000);
  afterAll(async () => {
    s3.destroy();
    await stack.stop();
  });

  it('sends the spooled bytes to the record S3 key and reports them in progress and result', async () => {
    const exp = { award: 'UM1HG000000', lab: 'sandbox-lab', assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:job-upload-exp'] };
    const experiment = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [exp] } })).createEntities.entities[0].accession;
    const bytes = randomBytes(7 * MiB);
    const record = { award: 'UM1HG000000', lab: 'sandbox-lab', dataset: experiment, file_format: 'fastq', output_type: 'reads', aliases: ['sandbox-lab:job-upload-1'], submitted_file_name: '/data/job-reads.fastq.gz', md5sum: md5(bytes), file_size: bytes.length };
    const file = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'file', entities: [record] } })).createEntities.entities[0];
    const started = await stack.gqlFiles(START_UPLOAD, { input: { source: 'ENCODE', id: file.id, file: null } }, [{ path: 'variables.input.file', name: 'reads.fastq.gz', content: bytes }]);
    expect(started.errors).toBeUndefined();
    const job = started.data.startUploadFile;
    expect(job).toMatchObject({ kind: 'uploadFile', state: 'QUEUED' });
    const done = await waitForJob(stack.gql, job.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: 1, done: 1, succeeded: 1, failed: 0 } });
    const bytesProgress = ok(await stack.gql(`query J($id: ID!) { job(id: $id) { progress { bytesTotal bytesDone } } }`, { id: job.id })).job.progress;
    expect(bytesProgress).toEqual({ bytesTotal: bytes.length, bytesDone: bytes.length });
    const [entity] = await allEntities(stack.gql, job.id);
    expect(entity).toMatchObject({ index: 0, action: 'upload', valid: true, id: file.id, errors: [] });
    const key = (await uploadUrlOf(stack.sandbox.encode!, file.id)).replace(/^s3:\/\/[^/]+\//, '');
    const got = await s3.send(new GetObjectCommand({ Bucket: stack.sandbox.s3!.bucket, Key: key }));
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(bytes));
  });

  it('a wrong md5 fails the job with the upload error in its result', async () => {
    const bytes = randomBytes(1024);
    const exp = { award: 'UM1HG000000', lab: 'sandbox-lab', assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:job-upload-exp2'] };
    const experiment = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [exp] } })).createEntities.entities[0].accession;
    const record = { award: 'UM1HG000000', lab: 'sandbox-lab', dataset: experiment, file_format: 'fastq', output_type: 'reads', aliases: ['sandbox-lab:job-upload-2'], submitted_file_name: '/data/job-reads-2.fastq.gz', md5sum: md5(Buffer.from('other')), file_size: bytes.length };
    const file = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'file', entities: [record] } })).createEntities.entities[0];
    const started = await stack.gqlFiles(START_UPLOAD, { input: { source: 'ENCODE', id: file.id, file: null } }, [{ path: 'variables.input.file', name: 'reads.fastq.gz', content: bytes }]);
    const done = await waitForJob(stack.gql, started.data.startUploadFile.id);
    expect(done.state).toBe('FAILED');
    expect(done.error).toMatch(/md5/i);
    expect(done.progress).toMatchObject({ done: 1, succeeded: 0, failed: 1 });
    const [entity] = await allEntities(stack.gql, started.data.startUploadFile.id);
    expect(entity.errors.length).toBeGreaterThan(0);
  });
});
