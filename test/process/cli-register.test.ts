import { uploadUrlOf } from '../support/upload-url';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { type CliRun, runCli, uploadSlotRefusals } from '../support/cli';
import { ok, startStack, type Stack } from '../support/stack';
import { CANCEL, JOBS, waitForJob } from '../support/jobs';
import { replay, runCliOnTerminal } from '../support/terminal';

const ROOT = path.resolve(__dirname, '..', '..');
const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** `submission-gateway register …` as a real child process, in `cwd`, with no TTY and no DCC settings of the test's own. */
function register(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli(['register', ...args], cwd, { DCC_MODE: '', DCC_API_KEY: '', DCC_SECRET_KEY: '', ...env });
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

  describe('as a job (issue 16)', () => {
    const gateway = () => stack.gateway.graphqlUrl;
    const CREATE = `mutation($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { errors { message } } } }`;
    /** An experiment for this test's file records, made through the gateway. */
    const experimentFor = async (alias: string) => {
      const r = ok(await stack.gql<{ createEntities: { success: boolean } }>(CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [{ ...experiment, aliases: [alias] }] } }));
      expect(r.createEntities.success).toBe(true);
    };
    /** Records upstream whose first alias starts with `prefix`. */
    /** How many jobs the gateway runs now. */
    const runningJobs = async () => ok(await stack.gql<{ jobs: { edges: unknown[] } }>(JOBS, { state: 'RUNNING', first: 5 })).jobs.edges.length;
    const upstream = (prefix: string) =>
      stack.sandbox.encode!.emulator.portal.store.all().filter((i) => ((i.properties.aliases ?? []) as string[]).some((a) => a.startsWith(prefix)));
    afterEach(() => stack.sandbox.encode!.emulator.faults.clear());

    const JOB_LINE = /^(QUEUED|RUNNING|SUCCEEDED) (\d+) of (\d+|\?) \((\d+) succeeded, (\d+) failed\)/;
    const FILE_LINE = /^(\d+) of (\d+) files: uploaded (\S+) to (TSTFF\d{6}) \(([\d.]+ [KM]?i?B)\)$/;

    it('registers 200 file records as one job and uploads their files 4 at once, each as soon as its record is answered: every record once, every file in S3 once, progress lines in order', async () => {
      await experimentFor('sandbox-lab:cli-job-exp');
      const files = Array.from({ length: 200 }, (_, i) => ({ alias: `cli-job-${i}`, name: write(`cli-job-${i}.fastq.gz`, randomBytes(2048 + i)) }));
      const records = files.map((f) => ({ ...fileRecord(f.alias, f.name), dataset: 'sandbox-lab:cli-job-exp' }));
      // Each record's POST slower, so the job runs several seconds (8 slices of 25).
      stack.sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/files', latencyMs: 150 }]);
      const objects = async () => (await s3.send(new ListObjectsV2Command({ Bucket: stack.sandbox.s3!.bucket }))).KeyCount ?? 0;
      const before = await objects();
      const runs = register(['--gateway', gateway(), '-p', 'file', '-i', write('cli-job.json', JSON.stringify(records)), '--parallel', '4', '--report', 'cli-job.tsv'], dir);
      // Uploads start while the job runs: a file is in S3 and then the job is still RUNNING.
      let uploadedWhileRunning = false;
      let ended = false;
      void runs.finally(() => (ended = true));
      while (!ended && !uploadedWhileRunning) {
        if ((await objects()) > before && (await runningJobs()) > 0) uploadedWhileRunning = true;
        await new Promise((r) => setTimeout(r, 50));
      }
      const run = await runs;
      expect([run.code, run.stderr.match(/^submission-gateway: .*$/m)]).toEqual([0, null]);
      expect(uploadedWhileRunning).toBe(true);
      expect(await objects()).toBe(before + 200);

      const lines = run.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^Registering file records from cli-job.json on gateway .*: job (\\S+) \\(also seen by: submission-gateway job watch --gateway ${gateway()} \\1\\)$`));
      expect(lines.at(-1)).toBe('200 records: 200 succeeded, 0 failed; report in cli-job.tsv');
      const body = lines.slice(1, -1);
      const jobLines = body.filter((l) => JOB_LINE.test(l)).map((l) => JOB_LINE.exec(l)!);
      const fileLines = body.filter((l) => FILE_LINE.test(l)).map((l) => FILE_LINE.exec(l)!);
      // Nothing else: the job's progress, and one line per file as it ends, the first ones while the job still runs.
      expect(jobLines.length + fileLines.length).toBe(body.length);
      const firstFile = body.indexOf(fileLines[0][0]);
      expect(body.slice(firstFile).some((l) => JOB_LINE.exec(l)?.[1] === 'RUNNING' && Number(JOB_LINE.exec(l)![2]) < 200)).toBe(true);
      const done = jobLines.map((m) => Number(m[2]));
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(done.some((n) => n > 0 && n < 200)).toBe(true);
      expect(jobLines.every((m) => m[5] === '0' && (m[3] === '?' || m[3] === '200'))).toBe(true);
      expect(jobLines.at(-1)![0]).toBe('SUCCEEDED 200 of 200 (200 succeeded, 0 failed)');
      expect(jobLines.filter((m) => m[1] === 'SUCCEEDED')).toHaveLength(1);
      expect(fileLines.map((m) => Number(m[1]))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(fileLines.every((m) => m[2] === '200')).toBe(true);
      expect(new Set(fileLines.map((m) => m[3]))).toEqual(new Set(files.map((f) => f.name)));

      // Every record once upstream, each with its own file's bytes in S3; the report says so.
      const made = upstream('sandbox-lab:cli-job-').filter((i) => i.properties.dataset !== undefined);
      expect(made).toHaveLength(200);
      expect(new Set(made.map((i) => (i.properties.aliases as string[])[0])).size).toBe(200);
      const report = fs.readFileSync(path.join(dir, 'cli-job.tsv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
      expect(report).toHaveLength(200);
      for (const [i, f] of files.entries()) {
        const bytes = fs.readFileSync(path.join(dir, f.name));
        const [, alias, accession, action, errors, upload] = report[i];
        expect([alias, action, errors, upload]).toEqual([`sandbox-lab:${f.alias}`, 'create', '', `uploaded ${(bytes.length / 1024).toFixed(1)} KiB, md5 ${md5(bytes)}`]);
        const item = made.find((m) => (m.properties.aliases as string[])[0] === alias)!;
        expect([item.properties.accession, item.properties.md5sum]).toEqual([accession, md5(bytes)]);
        expect(await stored(await uploadUrlOf(stack.sandbox.encode!, item.uuid))).toBe(md5(bytes));
      }
    }, 300_000);

    it('--detach prints the job id (and how to follow it) and exits 0 without uploading; job status then finds it SUCCEEDED', async () => {
      await experimentFor('sandbox-lab:cli-detach-exp');
      const records = [1, 2, 3].map((i) => ({ ...fileRecord(`cli-detach-${i}`, write(`cli-detach-${i}.fastq.gz`, randomBytes(1000 + i))), dataset: 'sandbox-lab:cli-detach-exp' }));
      const run = await register(['--gateway', gateway(), '-p', 'file', '-i', write('cli-detach.json', JSON.stringify(records)), '--detach'], dir);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^\S+\n$/);
      const id = run.stdout.trim();
      expect(run.stderr).toBe(
        `Job ${id} started; follow it with: submission-gateway job watch --gateway ${gateway()} ${id}\n` +
          'Files are not uploaded by a detached run: once the job has ended, run the same command without --detach to upload them (records awaiting their file get it)\n',
      );
      const watch = await runCli(['job', 'watch', id, '--gateway', gateway()], dir);
      expect(watch.code).toBe(0);
      const status = await runCli(['job', 'status', id, '--gateway', gateway()], dir);
      expect([status.code, status.stdout]).toEqual([0, `job ${id} (createEntities): SUCCEEDED 3 of 3 (3 succeeded, 0 failed)\n`]);
      const made = upstream('sandbox-lab:cli-detach-').filter((i) => i.properties.dataset !== undefined);
      expect(made.map((i) => i.properties.status)).toEqual(['uploading', 'uploading', 'uploading']);

      // The same command attached: the records exist and await their files, which it now uploads.
      const attached = await register(['--gateway', gateway(), '-p', 'file', '-i', 'cli-detach.json', '--report', 'cli-detach.tsv'], dir);
      expect(attached.code).toBe(0);
      const report = fs.readFileSync(path.join(dir, 'cli-detach.tsv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
      expect(report.map((r) => [r[3], /^uploaded /.test(r[5])])).toEqual([['exists', true], ['exists', true], ['exists', true]]);
      expect(upstream('sandbox-lab:cli-detach-').filter((i) => i.properties.dataset !== undefined)).toHaveLength(3);

      const alone = await register(['-p', 'file', '-i', 'cli-detach.json', '--detach'], dir);
      expect(alone).toEqual({ code: 2, stdout: '', stderr: 'submission-gateway: --detach needs --gateway URL: without it the gateway runs in this process and ends with it\n' });
    }, 120_000);

    it('on a terminal (a pty): ONE overall bar (records, then files) and a bar per file in flight, at most --parallel, each removed when it ends', async () => {
      await experimentFor('sandbox-lab:cli-tty-exp');
      const input = Array.from({ length: 8 }, (_, i) => ({ ...fileRecord(`cli-tty-${i}`, write(`cli-tty-${i}.fastq.gz`, randomBytes(6 * MiB + i))), dataset: 'sandbox-lab:cli-tty-exp' }));
      // The records' POSTs slower, so the job's bar is drawn a while before the uploads.
      stack.sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/files', latencyMs: 600 }]);
      const run = await runCliOnTerminal(['register', '--gateway', gateway(), '-p', 'file', '-i', write('cli-tty.json', JSON.stringify(input)), '--parallel', '3'], dir, { DCC_MODE: '', DCC_API_KEY: '', DCC_SECRET_KEY: '' });
      expect(run.code).toBe(0);
      const { frames, drawn, last } = replay(run.output);
      const OVERALL = /^(md5|QUEUED|RUNNING|SUCCEEDED|upload) \[[█░]+\] (\d+) of (\d+) (records|files), ETA /;
      const FILE = /^  (md5 )?cli-tty-\d\.fastq\.gz( to TSTFF\d{6})? \[[█░]+\] \d+% [\d.]+ (KiB|MiB)\/6\.0 MiB$/;
      expect(frames.length).toBeGreaterThan(5);
      // Every frame: one overall bar, and no more file bars than --parallel.
      expect(frames.filter((f) => f.filter((l) => OVERALL.test(l)).length !== 1)).toEqual([]);
      const uploading = frames.map((f) => f.filter((l) => FILE.test(l) && l.includes(' to TSTFF')).length);
      expect(Math.max(...uploading)).toBe(3);
      // The overall bar as drawn: the job's records (fed by its subscription), then the files.
      const overall = drawn.filter((l) => OVERALL.test(l)).map((l) => OVERALL.exec(l)!);
      const phases = overall.map((m) => `${m[1] === 'QUEUED' || m[1] === 'SUCCEEDED' ? 'RUNNING' : m[1]} ${m[3]} ${m[4]}`);
      expect(phases.filter((p, i) => p !== phases[i - 1])).toEqual(['md5 8 files', 'RUNNING 8 records', 'upload 8 files']);
      const records = overall.filter((m) => m[4] === 'records').map((m) => Number(m[2]));
      expect(records).toEqual([...records].sort((a, b) => a - b));
      // At the end: the heading, the overall bar full, no file bar left, then the report.
      expect(last[0]).toMatch(/^Registering file records from cli-tty\.json on gateway .*: job \S+ \(also seen by: /);
      expect(last[1]).toMatch(/^upload \[█+\] 8 of 8 files, ETA /);
      expect(last.filter((l) => FILE.test(l))).toEqual([]);
      expect(last.slice(2, 10).map((l) => l.split('\t').slice(1, 4).join(' '))).toEqual(input.map((r) => expect.stringMatching(new RegExp(`^${r.aliases[0]} TSTFF\\d{6} create$`))));
      expect(last.slice(2, 10).every((l) => /\tuploaded 6\.0 MiB, md5 [0-9a-f]{32}$/.test(l))).toBe(true);
      expect(last.at(-1)).toBe('8 records: 8 succeeded, 0 failed');
    }, 180_000);

    it('a job cancelled from elsewhere while attached: the records it wrote are reported, the rest as not sent (exit 1), none written twice', async () => {
      const input = Array.from({ length: 100 }, (_, i) => ({ ...experiment, aliases: [`sandbox-lab:cli-cancel-${i}`] }));
      // Each POST slower, so the job is still running when cancelled (slices of 25).
      stack.sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/experiments', latencyMs: 150 }]);
      const running = register(['--gateway', gateway(), '-p', 'experiment', '-i', write('cli-cancel.json', JSON.stringify(input)), '--report', 'cli-cancel.tsv'], dir);
      const started = await (async () => {
        for (let i = 0; i < 600; i++) {
          const { jobs } = ok(await stack.gql<{ jobs: { edges: { node: { id: string; state: string } }[] } }>(JOBS, { state: 'RUNNING', first: 5 }));
          if (jobs.edges[0]) return jobs.edges[0].node.id;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error('the register job never ran');
      })();
      await waitForJob(stack.gql, started, (j) => j.progress.done > 0);
      const cancelled = ok(await stack.gql<{ cancelJob: { state: string; progress: { done: number } } }>(CANCEL, { id: started })).cancelJob;
      expect(cancelled.state).toBe('CANCELLED');
      const done = cancelled.progress.done;
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(100);

      const run = await running;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`100 records: ${done} succeeded, ${100 - done} failed; report in cli-cancel.tsv`);
      const report = fs.readFileSync(path.join(dir, 'cli-cancel.tsv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
      expect(report.slice(0, done).every((r) => r[3] === 'create' && r[4] === '')).toBe(true);
      expect(report.slice(done).every((r) => r[3] === '' && r[4].startsWith(`not sent: job ${started} ended CANCELLED (Cancelled after ${done} of 100`))).toBe(true);
      expect(upstream('sandbox-lab:cli-cancel-')).toHaveLength(done);
    }, 120_000);

    it('says an unknown profile, or refused credentials, once and exits 2', async () => {
      const input = write('cli-bad.json', JSON.stringify([{ ...experiment, aliases: ['sandbox-lab:cli-bad'] }]));
      const bad = await register(['--gateway', gateway(), '-p', 'no_such_profile', '-i', input], dir);
      expect(bad).toEqual({ code: 2, stdout: '', stderr: "submission-gateway: The ENCODE portal has no profile 'no_such_profile' (BAD_USER_INPUT)\n" });

      const refused = await register(['--gateway', gateway(), '-p', 'experiment', '-i', input], dir, { DCC_API_KEY: stack.sandbox.encode!.credentials.key, DCC_SECRET_KEY: 'not-the-secret' });
      expect([refused.code, refused.stdout]).toEqual([2, '']);
      const errors = refused.stderr.split('\n').filter((l) => l.startsWith('submission-gateway: '));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^submission-gateway: job \S+ failed before registering any record: ENCODE portal answered 401 to POST to experiment: .+/);
      expect(refused.stderr.split('ENCODE portal answered 401')).toHaveLength(2);
      expect(upstream('sandbox-lab:cli-bad')).toHaveLength(0);
    }, 120_000);
  });
});

describe('submission-gateway register against a gateway taking one upload at a time (MAX_CONCURRENT_UPLOADS=1)', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack({}, { uploads: { partBytes: 5 * MiB, maxConcurrent: 1 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-register-busy-'));
  });
  afterAll(async () => {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const refusals = () => uploadSlotRefusals(stack.gateway.graphqlUrl);

  it('--parallel 4: the uploads the gateway refuses while busy are sent again, and every file is uploaded once the slot is free', async () => {
    const CREATE = `mutation($input: CreateEntitiesInput!) { createEntities(input: $input) { success } }`;
    expect(ok(await stack.gql<{ createEntities: { success: boolean } }>(CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [experiment] } })).createEntities.success).toBe(true);
    const files = Array.from({ length: 6 }, (_, i) => ({ alias: `busy-${i}`, name: `busy-${i}.fastq.gz`, bytes: randomBytes(2 * MiB + i) }));
    for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.bytes);
    fs.writeFileSync(path.join(dir, 'busy.json'), JSON.stringify(files.map((f) => fileRecord(f.alias, f.name))));
    const before = await refusals();
    const run = await register(['--gateway', stack.gateway.graphqlUrl, '-p', 'file', '-i', 'busy.json', '--parallel', '4', '--report', 'busy.tsv'], dir);
    expect(run.code).toBe(0);
    expect(await refusals()).toBeGreaterThan(before);
    const report = fs.readFileSync(path.join(dir, 'busy.tsv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
    expect(report.map((r) => [r[1], r[3], r[5]])).toEqual(files.map((f) => [`sandbox-lab:${f.alias}`, 'create', `uploaded 2.0 MiB, md5 ${md5(f.bytes)}`]));
    // One line per file as it ends, in order: no refused attempt counted as a file.
    expect(run.stderr.split('\n').filter((l) => / files: /.test(l)).map((l) => l.split(':')[0])).toEqual(files.map((_, i) => `${i + 1} of 6 files`));
  }, 120_000);
});
