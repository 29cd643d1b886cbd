import { uploadUrlOf } from '../support/upload-url';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `submission-gateway register …` as a real child process, in `cwd`, with no TTY. */
function register(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [MAIN, 'register', ...args], { cwd, env: { ...process.env, DCC_MODE: '', DCC_API_KEY: '', DCC_SECRET_KEY: '', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const common = { award: 'UM1HG000000', lab: 'sandbox-lab' };
const experiment = { ...common, assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:cli-exp'] };
const fileRecord = (alias: string, name: string) => ({ ...common, dataset: 'sandbox-lab:cli-exp', file_format: 'fastq', output_type: 'reads', aliases: [`sandbox-lab:${alias}`], submitted_file_name: name });

describe('submission-gateway register (a real child process against a gateway on the sandbox)', () => {
  let stack: Stack;
  let dir: string;
  let s3: S3Client;

  beforeAll(async () => {
    stack = await startStack({}, { uploads: { partBytes: 5 * MiB } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-register-'));
    const box = stack.sandbox.s3!;
    s3 = new S3Client({ endpoint: box.url, region: box.region, forcePathStyle: true, credentials: { accessKeyId: box.accessKeyId, secretAccessKey: box.secretAccessKey } });
  });
  afterAll(async () => {
    s3.destroy();
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: string | Buffer) => (fs.writeFileSync(path.join(dir, name), content), name);
  const stored = async (uploadUrl: string) => {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uploadUrl)!;
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return md5(Buffer.from(await got.Body!.transformToByteArray()));
  };

  it('registers the records, uploads each created file record\'s local file, verified in the sandbox S3, and reports every record', async () => {
    const gateway = stack.gateway.graphqlUrl;
    const exp = await register(['--gateway', gateway, '-p', 'experiment', '-i', write('experiment.json', JSON.stringify([experiment]))], dir);
    expect(exp).toMatchObject({ code: 0 });

    const small = randomBytes(300 * 1024);
    const big = randomBytes(11 * MiB + 7); // three 5 MiB parts on this gateway
    write('small.fastq.gz', small);
    write(path.join('big.fastq.gz'), big);
    const records = [fileRecord('small', 'small.fastq.gz'), fileRecord('big', path.join(dir, 'big.fastq.gz')), fileRecord('gone', 'gone.fastq.gz')];
    const run = await register(['--gateway', gateway, '-p', 'file', '-i', write('files.json', JSON.stringify(records)), '--report', 'report.tsv'], dir);
    expect(run.code).toBe(1); // one record failed
    const report = fs.readFileSync(path.join(dir, 'report.tsv'), 'utf8').replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    expect(report[0]).toEqual(['row', 'alias', 'accession', 'action', 'errors', 'upload']);
    expect(report.slice(1).map(([, alias, accession, action, errors, upload]) => [alias, /^TSTFF\d{6}$/.test(accession), action, errors, upload])).toEqual([
      ['sandbox-lab:small', true, 'create', '', `uploaded 300.0 KiB, md5 ${md5(small)}`],
      ['sandbox-lab:big', true, 'create', '', `uploaded 11.0 MiB, md5 ${md5(big)}`],
      ['sandbox-lab:gone', false, '', `submitted_file_name: ${path.join(dir, 'gone.fastq.gz')} does not exist`, ''],
    ]);
    expect(run.stderr).toContain('3 records: 2 succeeded, 1 failed; report in report.tsv');

    // The records carry the md5sum and file_size the CLI measured, and S3 holds those very bytes.
    for (const [alias, bytes] of [['small', small], ['big', big]] as const) {
      const { data } = await stack.gql<{ encodeRecord: Record<string, any> }>(`query { encodeRecord(id: "sandbox-lab:${alias}") }`);
      expect(data.encodeRecord).toMatchObject({ md5sum: md5(bytes), file_size: bytes.length, submitted_file_name: expect.stringContaining(`${alias}.fastq.gz`) });
      expect(data.encodeRecord.upload_credentials).toBeUndefined();
      expect(await stored(await uploadUrlOf(stack.sandbox.encode!, data.encodeRecord.uuid))).toBe(md5(bytes));
    }
  });

  it('checks everything in a dry run and writes nothing, reporting JSON', async () => {
    const records = [{ ...experiment, aliases: ['sandbox-lab:dry-exp'] }, { ...experiment, aliases: ['sandbox-lab:dry-bad'], assay_term_name: 'not an assay' }];
    const run = await register(['--gateway', stack.gateway.graphqlUrl, '-p', 'experiment', '-d', '-i', write('dry.json', JSON.stringify(records)), '--report', 'dry.json.report'], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'dry.json.report'), 'utf8'));
    expect(report.map((r: { alias: string; errors: string[] }) => [r.alias, r.errors.length > 0])).toEqual([
      ['sandbox-lab:dry-exp', false],
      ['sandbox-lab:dry-bad', true],
    ]);
    const { data } = await stack.gql<{ encodeRecord: unknown }>('query { encodeRecord(id: "sandbox-lab:dry-exp") }');
    expect(data.encodeRecord).toBeNull();
  });

  it('starts a gateway on the embedded sandbox in its own process when given no --gateway', async () => {
    const run = await register(['-p', 'experiment', '-i', write('alone.json', JSON.stringify([{ ...experiment, aliases: ['sandbox-lab:alone'] }])), '--report', 'alone.tsv'], dir);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toContain('on the embedded ENCODE sandbox');
    expect(fs.readFileSync(path.join(dir, 'alone.tsv'), 'utf8')).toMatch(/^row\talias\taccession\taction\terrors\tupload\n\tsandbox-lab:alone\tTSTSR\d{6}\tcreate\t\t\n$/);
  });

  it("prints no AWS SDK Node-version notice on stderr when its own gateway uploads a file (the SDK's switch left unset)", async () => {
    // One run on its own sandbox: the file's experiment comes with the seed.
    const seed = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/sandbox/starter/encode/seed.json'), 'utf8')) as Record<string, unknown[]>;
    seed.experiment = [{ ...experiment, uuid: '0b7d3c52-6a1e-4f0b-9c3d-5e2a7f1b8c40', aliases: ['sandbox-lab:cli-exp'], status: 'in progress' }];
    const files = [fileRecord('quiet', write('quiet.fastq.gz', randomBytes(1024)))];
    // jest's setup sets the switch in this process; the child starts without it, so only the gateway's own module can set it.
    const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, SANDBOX_ENCODE_SEED: path.join(dir, write('quiet-seed.json', JSON.stringify(seed))) };
    const run = await register(['-p', 'file', '-i', write('quiet-files.json', JSON.stringify(files)), '--report', 'quiet.tsv'], dir, env);
    expect(run).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(dir, 'quiet.tsv'), 'utf8')).toMatch(/\tcreate\t\tuploaded 1.0 KiB/);
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
  });

  it('does nothing and exits 2 when it cannot reach the gateway, or -m names another portal than the gateway talks to', async () => {
    const refused = await register(['--gateway', 'http://127.0.0.1:9/graphql', '-p', 'experiment', '-i', write('x.json', '[]')], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('The gateway at http://127.0.0.1:9/graphql could not be reached');
    const other = await register(['--gateway', stack.gateway.graphqlUrl, '-m', 'prod', '-p', 'experiment', '-i', 'x.json'], dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`-m prod is https://www.encodeproject.org, but the gateway at ${stack.gateway.graphqlUrl} talks to ${stack.sandbox.encode!.url}`);
    const noKeys = await register(['-m', 'dev', '-p', 'experiment', '-i', 'x.json'], dir);
    expect(noKeys).toMatchObject({ code: 2, stderr: 'submission-gateway: set DCC_API_KEY and DCC_SECRET_KEY to register on https://test.encodedcc.org\n' });
  });
});
