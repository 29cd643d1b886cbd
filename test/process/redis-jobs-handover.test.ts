import { caseOf } from '../support/gdc';
import { CANCEL, JOB, START_CREATE, casesHeld, gqlAt, waitForJob } from '../support/jobs';
import { ok } from '../support/stack';
import { type JobsGateway, type RedisJobsRig, startRedisJobsRig } from '../support/redis-jobs';

/**
 * Issue 17, jobs on the shared queue (REDIS_URL with JOBS_ENCRYPTION_KEY) between two instances,
 * each on a disk of its own: a cancel asked through B stops the job running on A after its current
 * chunk and reports what was done; SIGTERM on A puts its running job back on the queue after the
 * chunk under way, and B continues it at once (not after a lock lapses), every entity exactly once.
 * In each test A is started first and takes the job, B after.
 */
const CHUNK = 100;
const LOCK_SECONDS = 30; // long: a take-over here must come from the requeue, not from a lapsed lock

let rig: RedisJobsRig;
const gateway = (env: Record<string, string> = {}) => rig.gateway({ JOB_LOCK_SECONDS: String(LOCK_SECONDS), ...env });

beforeAll(async () => {
  rig = await startRedisJobsRig({ name: 'handover', encryptionKey: '12'.repeat(32) });
}, 120_000);
afterEach(async () => {
  await rig.stopGateways();
  rig.sandbox.gdc!.emulator.faults.clear();
});
afterAll(() => rig?.stop());

const gql = async (gw: JobsGateway, query: string, variables: Record<string, unknown>) => ok(await gqlAt(gw.graphqlUrl)(query, variables));

const waitFor = (gw: JobsGateway, id: string, until: (job: any) => boolean, timeoutMs: number) => waitForJob(gqlAt(gw.graphqlUrl), id, until, timeoutMs);

const held = (prefix: string) => casesHeld(rig.sandbox, prefix);

async function startOnA(prefix: string, rows: number) {
  // Slow chunks (1 s each): the job is still running when B is up, however slow B's start on a busy machine.
  rig.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 1_000 }]);
  const a = await gateway({ SHUTDOWN_GRACE_MS: '20000' });
  const entities = Array.from({ length: rows }, (_, i) => caseOf(`${prefix}${String(i).padStart(4, '0')}`));
  const { startCreateEntities: job } = await gql(a, START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: CHUNK } });
  await waitFor(a, job.id, (j) => j.state === 'RUNNING' && j.progress.done > 0, 60_000);
  const b = await gateway();
  return { a, b, id: job.id as string };
}

it('a cancel asked through B stops the job running on A after its current chunk', async () => {
  const rows = 3_000;
  const { a, b, id } = await startOnA('HANDOVER-CANCEL-', rows);
  const { cancelJob } = await gql(b, CANCEL, { id });
  expect(cancelJob.state).toBe('CANCELLED');
  expect(cancelJob.progress.done).toBeGreaterThan(0);
  expect(cancelJob.progress.done).toBeLessThan(rows);
  expect(cancelJob.progress.message).toMatch(/^Cancelled/);
  // Nothing more is sent after the cancel: GDC holds exactly what the job reports as done.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(held('HANDOVER-CANCEL-').size).toBe(cancelJob.progress.done);
  expect((await gql(a, JOB, { id })).job).toMatchObject({ state: 'CANCELLED', progress: { done: cancelJob.progress.done } });
  // It ran on A: B never took it.
  expect(b.logs.some((l) => l.jobId === id && l.msg === 'continuing a job another instance was running')).toBe(false);
}, 180_000);

it('SIGTERM on A puts its job back on the queue after the chunk under way; B continues it at once, every entity exactly once', async () => {
  const rows = 2_000;
  const { a, b, id } = await startOnA('HANDOVER-TERM-', rows);
  const exited = a.exited;
  const stoppedAt = Date.now();
  a.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const partial = held('HANDOVER-TERM-');
  expect(partial.size % CHUNK).toBe(0); // drained: only whole chunks, each recorded before the exit
  expect(partial.size).toBeLessThan(rows);
  rig.sandbox.gdc!.emulator.faults.clear();
  const taken = await b.waitForLog((l) => l.jobId === id && l.msg === 'continuing a job another instance was running', 20_000);
  expect(taken.done).toBe(partial.size);
  // Well before A's lock (30 s) could have lapsed.
  expect(Date.now() - stoppedAt).toBeLessThan(LOCK_SECONDS * 1000);
  const done = await waitFor(b, id, (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state), 120_000);
  expect(done).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { total: rows, done: rows, succeeded: rows, failed: 0 } });
  const after = held('HANDOVER-TERM-');
  expect(after.size).toBe(rows);
  expect([...after.values()].every((n) => n === 1)).toBe(true);
}, 180_000);
