import { caseOf } from '../support/gdc';
import { gqlAt, START_CREATE, waitForJob } from '../support/jobs';
import { ok } from '../support/stack';
import { type JobsGateway, type RedisJobsRig, startRedisJobsRig } from '../support/redis-jobs';

/**
 * Issue 17: Redis restarted in the middle of a job on the shared queue (REDIS_URL with
 * JOBS_ENCRYPTION_KEY). Redis here keeps its data across the restart (append-only file), as a
 * production Redis would: the job waits for it, continues, and ends SUCCEEDED with every entity
 * in GDC exactly once and every row counted once.
 */
const ROWS = 3_000;
const CHUNK = 100;

let rig: RedisJobsRig;
let gw: JobsGateway;

beforeAll(async () => {
  rig = await startRedisJobsRig({ name: 'redis-restart', encryptionKey: 'ef'.repeat(32), persistentRedis: true });
  gw = await rig.gateway({ JOB_LOCK_SECONDS: '3' });
}, 120_000);
afterAll(() => rig?.stop());

const gql = async (query: string, variables: Record<string, unknown>) => ok(await gqlAt(gw.graphqlUrl)(query, variables));

const waitFor = (id: string, until: (job: any) => boolean, timeoutMs: number) => waitForJob(gqlAt(gw.graphqlUrl), id, until, timeoutMs);

it('a job on the shared queue waits while Redis restarts and continues: every entity exactly once', async () => {
  rig.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 200 }]);
  try {
    const entities = Array.from({ length: ROWS }, (_, i) => caseOf(`REDIS-RESTART-${String(i).padStart(4, '0')}`));
    const { startCreateEntities: job } = await gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: CHUNK } });
    await waitFor(job.id, (j) => j.progress.done >= ROWS / 3, 120_000);
    await rig.redis.kill();
    // Long enough for chunks to be answered by GDC while nothing can be recorded.
    await new Promise((r) => setTimeout(r, 2_000));
    await rig.redis.restart();
    const done = await waitFor(job.id, (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state), 180_000);
    expect(done).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { total: ROWS, done: ROWS, succeeded: ROWS, failed: 0 } });
  } finally {
    rig.sandbox.gdc!.emulator.faults.clear();
  }
  const counts = new Map<string, number>();
  for (const node of rig.sandbox.gdc!.emulator.service.store.ofType('case')) {
    const id = String(node.props.submitter_id);
    if (id.startsWith('REDIS-RESTART-')) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  expect(counts.size).toBe(ROWS);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  // The gateway saw the outage and the recovery, and stayed up.
  expect(gw.logs.some((l) => /Redis lost/.test(l.msg))).toBe(true);
  expect(gw.child.exitCode).toBeNull();
}, 400_000);
