import { uploadUrlOf } from '../support/upload-url';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { caseOf, CREATE, docs, readGroupChain } from '../support/gdc';
import { START_CREATE } from '../support/jobs';
import { ok, startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const README_GATEWAY = 'http://localhost:4000/graphql';
const README_REPORT = '/tmp/register-report.tsv';
const README_JOB_ID = '$JOB_ID';
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** The README's `npm exec -- submission-gateway register …` commands, as written (continuation lines joined), but for blocks marked skip. */
function readmeCommands(which = 'register'): string[][] {
  const readme = fs
    .readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    // Blocks the README marks `<!-- example: skip (why) -->` need what a test machine has not (S3 buckets, credentials).
    .replace(/<!-- example: skip[^>]*-->\s*```[^\n]*\n[\s\S]*?```/g, '')
    .replace(/\\\n\s*/g, ' ');
  return [...readme.matchAll(new RegExp(`^npm exec -- submission-gateway (${which} .*)$`, 'gm'))].map((m) => m[1].trim().split(/\s+/));
}

/** A README command in the repository root, on this test's gateway, its report in this test's directory. */
function run(args: string[], gateway: string, report: string, cwd = ROOT, jobId = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const mapped = args.map((a) => (a === README_GATEWAY ? gateway : a === README_REPORT ? report : a === README_JOB_ID ? jobId : a));
  return new Promise((resolve) => {
    execFile(TSX, [MAIN, ...mapped], { cwd, env: { ...process.env, DCC_MODE: '', DCC_API_KEY: '', DCC_SECRET_KEY: '', GDC_TOKEN: '', GATEWAY_API_KEY: '' }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the README's CLI examples (TSV) against a gateway on the sandbox", () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack({});
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-readme-'));
  });
  afterAll(async () => {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers the experiment, then the file record with its upload, as written; a re-run reports exists', async () => {
    const report = path.join(dir, 'register-report.tsv');
    const commands = readmeCommands();
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(await run(c, stack.gateway.graphqlUrl, report)).toMatchObject({ code: 0 });
    const rows = fs.readFileSync(report, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
    const reads = fs.readFileSync(path.join(ROOT, 'examples/encode/reads_R1.fastq.gz'));
    expect(rows[0]).toEqual(['row', 'alias', 'accession', 'action', 'errors', 'upload']);
    expect(rows[1].slice(0, 4)).toEqual(['2', 'sandbox-lab:example-reads-r1', expect.stringMatching(/^TSTFF\d{6}$/), 'create']);
    expect(rows[1][5]).toBe(`uploaded 6.2 KiB, md5 ${md5(reads)}`);

    // The bytes are in the sandbox's S3 where the file record says.
    const { data } = await stack.gql<{ encodeRecord: Record<string, any> }>('query { encodeRecord(id: "sandbox-lab:example-reads-r1") }');
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(await uploadUrlOf(stack.sandbox.encode!, data.encodeRecord.uuid))!;
    const box = stack.sandbox.s3!;
    const s3 = new S3Client({ endpoint: box.url, region: box.region, forcePathStyle: true, credentials: { accessKeyId: box.accessKeyId, secretAccessKey: box.secretAccessKey } });
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(reads));
    } finally {
      s3.destroy();
    }

    const again = await run(commands[1], stack.gateway.graphqlUrl, report);
    expect(again.code).toBe(0);
    // Still `uploading` (the sandbox runs no checkfiles): the record exists and its file is sent again.
    const rerun = fs.readFileSync(report, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rerun.slice(1)).toEqual([['2', 'sandbox-lab:example-reads-r1', rows[1][2], 'exists', '', `uploaded 6.2 KiB, md5 ${md5(reads)}`]]);
  }, 180_000);

  it('submits the GDC example as written: a dry run committed, the cases in the sandbox after', async () => {
    const commands = readmeCommands('gdc submit');
    expect(commands).toHaveLength(1);
    const out = await run(commands[0], stack.gateway.graphqlUrl, path.join(dir, 'unused'));
    expect([out.code, out.stderr]).toEqual([0, '']);
    const ids = [...out.stdout.matchAll(/^cases\.tsv:\d+\tcase\t(EXAMPLE-CASE-\d)\t([0-9a-f-]{36})\tcreate \(committed\)$/gm)].map((m) => m[2]);
    const { data } = await stack.gql<{ gdcEntities: ({ properties: { submitter_id: string } } | null)[] }>(`query($ids: [ID!]!) { gdcEntities(project: "GDC-INTERNAL", ids: $ids) }`, { ids });
    expect(data.gdcEntities.map((e) => e?.properties.submitter_id)).toEqual(['EXAMPLE-CASE-1', 'EXAMPLE-CASE-2']);
  }, 120_000);

  it('uploads with the gdc upload example as written, from a gdcManifest manifest.yml and data/ prepared as the README says', async () => {
    const commands = readmeCommands('gdc upload');
    expect(commands).toHaveLength(1);
    const work = fs.mkdtempSync(path.join(dir, 'upload-'));
    const files = [1, 2].map((i) => ({ name: `readme-reads-${i}.fastq`, bytes: Buffer.from(`@r${i}\nACGT\n+\nIIII\n`.repeat(100 * i)) }));
    const r = ok(
      await stack.gql(CREATE, {
        input: {
          source: 'GDC',
          project: 'GDC-INTERNAL',
          upsert: true,
          entities: [
            ...readGroupChain('RM'),
            ...files.map((f) => docs.unalignedReads(`RM-${f.name}`, 'RM-RG', { name: f.name, size: f.bytes.length, md5: md5(f.bytes) })),
          ],
        },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
    const ids = r.entities.slice(-2).map((e: { id: string }) => e.id);
    const manifest = ok(await stack.gql<{ gdcManifest: string }>('query($ids: [ID!]!) { gdcManifest(project: "GDC-INTERNAL", ids: $ids) }', { ids })).gdcManifest;
    fs.writeFileSync(path.join(work, 'manifest.yml'), manifest);
    fs.mkdirSync(path.join(work, 'data'));
    for (const f of files) fs.writeFileSync(path.join(work, 'data', f.name), f.bytes);

    const out = await run(commands[0], stack.gateway.graphqlUrl, path.join(dir, 'unused'), work);
    expect([out.code, out.stderr]).toEqual([0, '']);
    expect(out.stdout).toMatch(/^2 of 2 file\(s\) uploaded$/m);
    for (const [i, f] of files.entries()) {
      expect(out.stdout).toContain(`${ids[i]}\t${f.name}\tuploaded: Uploaded ${f.bytes.length} bytes in one PUT`);
      expect(stack.sandbox.gdc!.emulator.files.stored(ids[i])).toMatchObject({ size: f.bytes.length, md5: md5(f.bytes) });
    }
    expect(fs.readFileSync(path.join(work, 'upload.log'), 'utf8').match(/: INFO: .*\tuploaded: /g)).toHaveLength(2);
  }, 120_000);

  it('reads, follows and cancels a job with the job examples as written ($JOB_ID: a startCreateEntities job of this run)', async () => {
    const commands = readmeCommands('job');
    expect(commands.map((c) => c[1])).toEqual(['status', 'watch', 'cancel']);
    const entities = Array.from({ length: 40 }, (_, i) => caseOf(`README-JOB-${i}`));
    const job = ok(await stack.gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: 10 } })).startCreateEntities;
    const out: { code: number; stdout: string; stderr: string }[] = [];
    for (const c of commands) out.push(await run(c, stack.gateway.graphqlUrl, path.join(dir, 'unused'), ROOT, job.id));
    const head = `job ${job.id} (createEntities): `;
    expect(out[0].stdout).toMatch(new RegExp(`^${head.replace(/[()]/g, '\\$&')}(QUEUED|RUNNING|SUCCEEDED) `));
    expect(out[0].code).toBe(out[0].stdout.includes('SUCCEEDED') ? 0 : 3);
    expect([out[1].code, out[1].stdout]).toEqual([0, `${head}SUCCEEDED 40 of 40 (40 succeeded, 0 failed)\n`]);
    // Cancelling a job that has ended answers it as it is: exit 1.
    expect([out[2].code, out[2].stdout]).toEqual([1, out[1].stdout]);
  }, 120_000);
});
