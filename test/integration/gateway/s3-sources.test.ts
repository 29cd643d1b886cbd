import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ok, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';
import { uploadUrlOf } from '../../support/upload-url';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${SUBMISSION_RESULT} } }`;
/** Two source buckets beside the portal's upload bucket: one the gateway may read, one it may not. */
const ALLOWED = 'lab-sequencer-output';
const OTHER = 'someone-elses-bucket';

describe('s3:// sources of ENCODE file records: read only from S3_SOURCE_BUCKETS, and copied (sandbox S3 over HTTP)', () => {
  let stack: Stack;
  let s3: S3Client;
  let experiment: string;
  let serial = 0;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    stack = await startStack({}, { encode: { s3SourceBuckets: [ALLOWED, 'no-such-bucket'] }, uploads: { partBytes: 5 * MiB, parallelParts: 2 } });
    const box = stack.sandbox.s3!;
    // The gateway reads sources with the AWS environment's credentials: here the sandbox S3's own.
    process.env.AWS_ACCESS_KEY_ID = box.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = box.secretAccessKey;
    s3 = new S3Client({ endpoint: box.url, region: box.region, forcePathStyle: true, credentials: { accessKeyId: box.accessKeyId, secretAccessKey: box.secretAccessKey } });
    for (const Bucket of [ALLOWED, OTHER]) await s3.send(new CreateBucketCommand({ Bucket }));
    const exp = { award: 'UM1HG000000', lab: 'sandbox-lab', assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:s3-exp'] };
    const created = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [exp] } })).createEntities;
    if (!created.success) throw new Error(`setup: ${JSON.stringify(created.entities[0].errors)}`);
    experiment = created.entities[0].accession;
  });
  afterAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    s3.destroy();
    await stack.stop();
  });

  const put = async (bucket: string, key: string, bytes: Buffer) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  const fileRecord = (source: string, extra: object = {}) => ({
    award: 'UM1HG000000',
    lab: 'sandbox-lab',
    dataset: experiment,
    file_format: 'fastq',
    output_type: 'reads',
    aliases: [`sandbox-lab:s3-file-${++serial}`],
    submitted_file_name: source,
    ...extra,
  });
  const register = async (record: object) => ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'file', entities: [record] } })).createEntities;
  const stored = async (uuid: string) => {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(await uploadUrlOf(stack.sandbox.encode!, uuid))!;
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { etag: got.ETag!.replace(/"/g, ''), bytes: Buffer.from(await got.Body!.transformToByteArray()) };
  };

  it('answers the same for a bucket not allowed (object there), a missing bucket and a missing object, and registers nothing', async () => {
    await put(OTHER, 'secret/reads.fastq.gz', randomBytes(1000));
    const answers: { source: string; ms: number; errors: { type: string; keys: string[]; message: string }[] }[] = [];
    for (const source of [`s3://${OTHER}/secret/reads.fastq.gz`, `s3://no-such-bucket/reads.fastq.gz`, `s3://${ALLOWED}/missing.fastq.gz`, `s3://${OTHER}/missing.fastq.gz`]) {
      // With and without md5sum/file_size: the object is looked at either way before registering.
      for (const extra of [{}, { md5sum: 'a'.repeat(32), file_size: 1000 }]) {
        stack.sandbox.encode!.requests.reset();
        const started = performance.now();
        const r = await register(fileRecord(source, extra));
        answers.push({ source, ms: performance.now() - started, errors: r.entities[0].errors });
        expect(r).toMatchObject({ success: false, createdCount: 0 });
        expect(stack.sandbox.encode!.requests.count({ method: 'POST' })).toBe(0);
      }
    }
    const shapes = answers.map((a) => a.errors.map((e) => ({ ...e, message: e.message.replace(a.source, '<source>') })));
    expect(shapes[0]).toEqual([
      {
        code: 'INVALID_VALUE',
        type: 'INVALID_VALUE',
        keys: ['submitted_file_name'],
        location: 'submitted_file_name',
        row: null,
        column: null,
        upstreamMessage: null,
        message: 'cannot read <source>: no such object in the buckets the gateway may read (S3_SOURCE_BUCKETS)',
      },
    ]);
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
    // Comparable time: a refusal of a bucket not allowed costs about what looking for a missing object does.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(Math.abs(median(answers.slice(0, 2).map((a) => a.ms)) - median(answers.slice(4, 6).map((a) => a.ms)))).toBeLessThan(250);
  });

  it('copies an allowed object below the part size into the record S3 key, in one PUT', async () => {
    const bytes = randomBytes(300_000);
    await put(ALLOWED, 'runs/small.fastq.gz', bytes);
    const r = await register(fileRecord(`s3://${ALLOWED}/runs/small.fastq.gz`));
    expect(r.entities[0].errors).toEqual([]);
    expect(r).toMatchObject({ success: true, createdCount: 1 });
    expect(r.entities[0].record).toMatchObject({ md5sum: md5(bytes), file_size: bytes.length });
    expect(r.entities[0].warnings.join()).toMatch(new RegExp(`s3://${ALLOWED}/runs/small.fastq.gz copied: Uploaded 300000 bytes .* in one PUT`));
    expect(await stored(r.entities[0].id)).toEqual({ etag: md5(bytes), bytes });
  });

  it('copies an object above the part size as a multipart upload', async () => {
    const bytes = randomBytes(11 * MiB + 123);
    await put(ALLOWED, 'runs/big.fastq.gz', bytes);
    const r = await register(fileRecord(`s3://${ALLOWED}/runs/big.fastq.gz`, { md5sum: md5(bytes), file_size: bytes.length }));
    expect(r.entities[0].errors).toEqual([]);
    expect(r).toMatchObject({ success: true, createdCount: 1 });
    const got = await stored(r.entities[0].id);
    expect(got.etag).toMatch(/-3$/);
    expect(md5(got.bytes)).toBe(md5(bytes));
  });

  it('never reports success for a file whose bytes were not copied (md5sum given does not match the object)', async () => {
    const bytes = randomBytes(200_000);
    await put(ALLOWED, 'runs/other.fastq.gz', bytes);
    const r = await register(fileRecord(`s3://${ALLOWED}/runs/other.fastq.gz`, { md5sum: 'b'.repeat(32), file_size: bytes.length }));
    expect(r.success).toBe(false);
    expect(r.entities[0].errors).toHaveLength(1);
    expect(r.entities[0].errors[0]).toMatchObject({ type: 'INVALID_VALUE', keys: ['submitted_file_name'] });
    expect(r.entities[0].errors[0].message).toMatch(/registered as TSTFF\d{6}, but its bytes were not copied from s3:\/\/lab-sequencer-output\/runs\/other.fastq.gz: .*md5/);
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(await uploadUrlOf(stack.sandbox.encode!, r.entities[0].id))!;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(() => 'there', (err: Error) => err.name);
    expect(head).toBe('NotFound');
  });

  it('refuses a file size that is not the object size before registering', async () => {
    const bytes = randomBytes(1000);
    await put(ALLOWED, 'runs/sized.fastq.gz', bytes);
    const r = await register(fileRecord(`s3://${ALLOWED}/runs/sized.fastq.gz`, { md5sum: md5(bytes), file_size: 999 }));
    expect(r).toMatchObject({ success: false, createdCount: 0 });
    expect(r.entities[0].errors[0]).toMatchObject({ type: 'INVALID_VALUE', keys: ['file_size'], message: expect.stringMatching(/file_size 999 does not match .* which has 1000 bytes/) });
  });
});
