import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { request } from 'undici';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';
import { JOB_FIELDS } from '../support/jobs';
import { type S3Proxy, startS3Proxy } from '../support/s3-proxy';
import { uploadUrlOf } from '../support/upload-url';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { id accession errors { type message } } } }`;
const START_UPLOAD = `mutation U($input: UploadFileInput!) { startUploadFile(input: $input) { ${JOB_FIELDS} } }`;
const PROGRESS = `query J($id: ID!) { job(id: $id) { state error progress { done succeeded failed bytesTotal bytesDone message } } }`;

/**
 * Issue 16 on real processes: an ENCODE upload job whose gateway is SIGKILLed after S3 answered
 * 2 of its 5 parts is resumed by the next start on the same DATA_DIR, which sends parts 3-5 only
 * (counted at a proxy in front of the sandbox S3), reports the 2 parts already there as bytesDone
 * before sending more, and ends SUCCEEDED with the object's md5 right and no resume state left.
 */
describe('an ENCODE upload job whose gateway is SIGKILLed mid-upload', () => {
  let sandbox: RunningSandbox;
  let proxy: S3Proxy;
  let dataDir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({});
    proxy = await startS3Proxy(sandbox.s3!.url);
    dataDir = mkdtempSync(path.join(tmpdir(), 'encode-upload-resume-'));
  }, 60_000);
  afterAll(async () => {
    await proxy.close();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const gateway = () =>
    startGatewayProcess({
      ENCODE_URL: sandbox.encode!.url,
      GDC_URL: sandbox.gdc!.url,
      DCC_API_KEY: sandbox.encode!.credentials.key,
      DCC_SECRET_KEY: sandbox.encode!.credentials.secret,
      ENCODE_S3_ENDPOINT: proxy.url,
      UPLOAD_PART_BYTES: String(5 * MiB),
      UPLOAD_PARALLEL_PARTS: '2',
      DATA_DIR: dataDir,
      JOBS_ENCRYPTION_KEY: 'cd'.repeat(32),
    });
  const gql = async (gw: GatewayProcess, query: string, variables: Record<string, unknown>) => {
    const res = await request(gw.graphqlUrl, { method: 'POST', reset: true, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.body.json()) as { data: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const until = async <T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> => {
    for (const end = Date.now() + timeoutMs; ; ) {
      const v = await probe();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const savedParts = (uuid: string) => {
    const file = path.join(dataDir, 'upload-state', `ENCODE.file.${uuid}.parts`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0;
  };

  it('the next start sends only the missing parts, its bytesDone starting at the parts already in S3', async () => {
    const bytes = randomBytes(24 * MiB + 1234);
    const first = await gateway();
    let second: GatewayProcess | null = null;
    try {
      const exp = { award: 'UM1HG000000', lab: 'sandbox-lab', assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:kill-upload-exp'] };
      const experiment = (await gql(first, CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [exp] } })).createEntities.entities[0].accession;
      const record = { award: 'UM1HG000000', lab: 'sandbox-lab', dataset: experiment, file_format: 'fastq', output_type: 'reads', aliases: ['sandbox-lab:kill-upload-1'], submitted_file_name: '/data/kill.fastq.gz', md5sum: md5(bytes), file_size: bytes.length };
      const created = (await gql(first, CREATE, { input: { source: 'ENCODE', profile: 'file', entities: [record] } })).createEntities;
      expect(created.success).toBe(true);
      const uuid: string = created.entities[0].id;

      // S3 answers 2 parts, then holds every other: the kill lands with exactly parts 1 and 2 in S3.
      proxy.holdAfter(2);
      const form = new FormData();
      form.append('operations', JSON.stringify({ query: START_UPLOAD, variables: { input: { source: 'ENCODE', id: uuid, file: null } } }));
      form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
      form.append('0', new Blob([new Uint8Array(bytes)]), 'kill.fastq.gz');
      const started = (await (await fetch(first.graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form })).json()) as { data: any; errors?: unknown[] };
      expect(started.errors).toBeUndefined();
      const id: string = started.data.startUploadFile.id;
      await until('2 parts remembered', () => savedParts(uuid), (n) => n === 2);
      expect([...proxy.parts].sort()).toEqual([1, 2]);
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      proxy.reset();
      proxy.holdAfter(0);
      second = await gateway();
      // Parts 1 and 2 are recognised in the spooled bytes (md5 = remembered ETag) before any part is sent.
      const resumed = await until('bytesDone at the 2 parts in S3', async () => (await gql(second!, PROGRESS, { id })).job, (j) => j.progress.bytesDone === 10 * MiB);
      expect(resumed).toMatchObject({ state: 'RUNNING', progress: { bytesTotal: bytes.length } });
      expect(proxy.parts).toEqual([]);
      proxy.release();
      const done = await until('job ended', async () => (await gql(second!, PROGRESS, { id })).job, (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state));
      expect(done).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { done: 1, succeeded: 1, failed: 0, bytesTotal: bytes.length, bytesDone: bytes.length } });
      // Held part 3 (and 4) were cut by release and sent again by the SDK: only parts 3-5 reached S3.
      expect([...proxy.parts].sort()).toEqual([3, 4, 5]);
      const box = sandbox.s3!;
      const s3 = new S3Client({ endpoint: box.url, region: box.region, forcePathStyle: true, credentials: { accessKeyId: box.accessKeyId, secretAccessKey: box.secretAccessKey } });
      const key = (await uploadUrlOf(sandbox.encode!, uuid)).replace(/^s3:\/\/[^/]+\//, '');
      const got = await s3.send(new GetObjectCommand({ Bucket: box.bucket, Key: key }));
      expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(bytes));
      s3.destroy();
      expect(existsSync(path.join(dataDir, 'upload-state', `ENCODE.file.${uuid}.json`))).toBe(false);
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) await first.stop();
      await second?.stop();
    }
  }, 180_000);
});
