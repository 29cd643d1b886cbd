import { execFile } from 'node:child_process';
import path from 'node:path';
import { caseOf } from '../support/gdc';
import { START_CREATE, waitForJob } from '../support/jobs';
import { ok, startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `submission-gateway job …` as a real child process, no TTY, with the operator's credentials (no token, no keys) as the jobs' starter. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [MAIN, 'job', ...args], { cwd: ROOT, env: { ...process.env, GDC_TOKEN: '', GATEWAY_URL: '', DCC_API_KEY: '', DCC_SECRET_KEY: '', GATEWAY_API_KEY: '', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** As cli, calling `onLine` with each line the command writes to stderr as it comes. */
function cliStreaming(args: string[], onLine: (line: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(TSX, [MAIN, 'job', ...args], { cwd: ROOT, env: { ...process.env, GDC_TOKEN: '', GATEWAY_URL: '', DCC_API_KEY: '', DCC_SECRET_KEY: '', GATEWAY_API_KEY: '' }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    let pending = '';
    child.stderr!.on('data', (d: Buffer) => {
      const parts = (pending + d.toString()).split('\n');
      pending = parts.pop()!;
      parts.forEach(onLine);
    });
  });
}

/** Issue 16: job status|watch|cancel against a gateway on the sandbox. */
describe('submission-gateway job (a real child process against a gateway on the sandbox)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(() => stack.stop());
  afterEach(() => stack.sandbox.gdc!.emulator.faults.clear());

  const cases = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => caseOf(`${prefix}-${String(i).padStart(4, '0')}`));
  const start = async (entities: Record<string, unknown>[], chunkSize: number) =>
    ok(await stack.gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize } })).startCreateEntities as { id: string };
  /** Each GDC transaction takes `ms` longer, so a job runs long enough to be watched or cancelled. */
  const slowGdc = (ms: number) => stack.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: ms }]);

  it('watch follows a job of 300 entities with monotonic progress to SUCCEEDED (exit 0); status then says SUCCEEDED', async () => {
    // Slow until the watcher has connected (starting the CLI can outlast a fast job on a busy
    // machine), then faster: the run is seen between its ends whatever the CLI's start took.
    slowGdc(2_000);
    const job = await start(cases('CLI-JOB-W', 300), 25);
    const gateway = stack.gateway.graphqlUrl;
    const watch = await cliStreaming(['watch', job.id, '--gateway', gateway], () => slowGdc(300));
    expect(watch.code).toBe(0);
    const lines = watch.stderr.split('\n').filter(Boolean);
    const progress = lines.map((l) => /^(QUEUED|RUNNING|SUCCEEDED) (\d+) of (\d+|\?) \((\d+) succeeded, 0 failed\)/.exec(l));
    expect(progress.every(Boolean)).toBe(true);
    const done = progress.map((m) => Number(m![2]));
    // One line per change, in order: `done` never goes back, and the run is seen between its ends.
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.some((n) => n > 0 && n < 300)).toBe(true);
    expect(progress.filter((m) => m![1] === 'RUNNING' && m![3] !== '?').every((m) => m![3] === '300')).toBe(true);
    expect(lines.at(-1)).toMatch(/^SUCCEEDED 300 of 300 \(300 succeeded, 0 failed\)/);
    expect(lines.filter((l) => l.startsWith('SUCCEEDED'))).toHaveLength(1);
    expect(watch.stdout).toMatch(new RegExp(`^job ${job.id} \\(createEntities\\): SUCCEEDED 300 of 300 \\(300 succeeded, 0 failed\\)`));

    const status = await cli(['status', job.id], { GATEWAY_URL: gateway });
    expect([status.code, status.stderr]).toEqual([0, '']);
    expect(status.stdout).toBe(watch.stdout);
  }, 120_000);

  it('cancel stops a running job (exit 0, CANCELLED); status and watch of it then exit 1', async () => {
    slowGdc(400);
    const job = await start(cases('CLI-JOB-C', 800), 20);
    await waitForJob(stack.gql, job.id, (j) => j.state === 'RUNNING' && j.progress.done > 0);
    const gateway = stack.gateway.graphqlUrl;
    const cancel = await cli(['cancel', job.id, '--gateway', gateway]);
    expect([cancel.code, cancel.stderr]).toEqual([0, '']);
    const m = new RegExp(`^job ${job.id} \\(createEntities\\): CANCELLED (\\d+) of 800 \\(\\d+ succeeded, 0 failed\\), Cancelled after`).exec(cancel.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(800);
    const status = await cli(['status', job.id, '--gateway', gateway]);
    expect(status.code).toBe(1);
    expect(status.stdout).toBe(cancel.stdout);
    const watch = await cli(['watch', job.id, '--gateway', gateway]);
    expect(watch.code).toBe(1);
    expect(watch.stdout).toBe(cancel.stdout);
  }, 120_000);

  it('a failed job: status prints its error and exits 1; a running one exits 3', async () => {
    const input = cases('CLI-JOB-F', 6);
    delete (input[4] as Record<string, unknown>).disease_type;
    const failed = await start(input, 2);
    await waitForJob(stack.gql, failed.id);
    const status = await cli(['status', failed.id, '--gateway', stack.gateway.graphqlUrl]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/: FAILED 6 of 6 \(4 succeeded, 2 failed\), .*error: Chunk 3 of 3 failed/);

    // 10 chunks of 5 s: still running when the CLI, slow to start on a busy machine, asks (at 1 s a chunk it had ended).
    slowGdc(5000);
    const running = await start(cases('CLI-JOB-R', 100), 10);
    const now = await cli(['status', running.id, '--gateway', stack.gateway.graphqlUrl]);
    expect(now.code).toBe(3);
    expect(now.stdout).toMatch(/: (QUEUED|RUNNING) \d+ of (100|\?) \(\d+ succeeded, 0 failed\), ETA /);
    ok(await stack.gql(`mutation($id: ID!) { cancelJob(id: $id) { state } }`, { id: running.id }));
  }, 120_000);

  it('an unknown job (or another caller\'s) exits 2 for status, watch and cancel; no gateway is a usage error (2)', async () => {
    const gateway = stack.gateway.graphqlUrl;
    for (const command of ['status', 'watch', 'cancel']) {
      const run = await cli([command, 'no-such-job', '--gateway', gateway]);
      expect([command, run.code, run.stdout]).toEqual([command, 2, '']);
      expect(run.stderr).toBe('submission-gateway: job no-such-job not found (no such job, or it was started with other credentials)\n');
    }
    const mine = await start(cases('CLI-JOB-O', 1), 1);
    const other = await cli(['status', mine.id, '--gateway', gateway], { GDC_TOKEN: 'another-wrangler' });
    expect(other.code).toBe(2);
    const usage = await cli(['status', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give --gateway URL \(or GATEWAY_URL\)/);
  }, 120_000);
});
