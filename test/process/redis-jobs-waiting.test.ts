import { caseOf } from '../support/gdc';
import { START_CREATE, gqlAt, waitForJob } from '../support/jobs';
import { ok } from '../support/stack';
import { type JobsGateway, type RedisJobsRig, startRedisJobsRig } from '../support/redis-jobs';

/**
 * Issue 17, the shared queue (REDIS_URL with JOBS_ENCRYPTION_KEY) with MAX_RUNNING_JOBS=1: a job
 * started while the worker is busy says it waits for a worker and behind how many, in the same
 * words as a gateway's own queue (src/jobs/waiting.ts), and the message goes once it runs.
 */
let rig: RedisJobsRig;
let gw: JobsGateway;

beforeAll(async () => {
  rig = await startRedisJobsRig({ name: 'waiting', encryptionKey: '34'.repeat(32) });
  gw = await rig.gateway({ MAX_RUNNING_JOBS: '1' });
}, 120_000);
afterAll(() => rig?.stop());

it('with every worker busy, a queued job says it waits for a worker and how many are ahead', async () => {
  const gql = gqlAt(gw.graphqlUrl);
  // Slow transactions: the first job holds the only worker for a few seconds.
  rig.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 200 }]);
  const start = async (prefix: string, rows: number) => {
    const entities = Array.from({ length: rows }, (_, i) => caseOf(`${prefix}-${i}`));
    return ok(await gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: 1 } })).startCreateEntities.id as string;
  };
  const first = await start('WAIT-A', 15);
  await waitForJob(gql, first, (j) => j.state === 'RUNNING');
  const second = await start('WAIT-B', 2);
  const third = await start('WAIT-C', 2);

  const [b, c] = [ok(await gql('query J($id: ID!) { job(id: $id) { state progress { message } } }', { id: second })).job, ok(await gql('query J($id: ID!) { job(id: $id) { state progress { message } } }', { id: third })).job];
  expect(b).toEqual({ state: 'QUEUED', progress: { message: 'Waiting for a worker (0 job(s) ahead): 1 job(s) are running, as many as this gateway runs at once (MAX_RUNNING_JOBS=1).' } });
  expect(c).toEqual({ state: 'QUEUED', progress: { message: 'Waiting for a worker (1 job(s) ahead): 1 job(s) are running, as many as this gateway runs at once (MAX_RUNNING_JOBS=1).' } });

  // Once it runs, the job no longer says it waits.
  const running = await waitForJob(gql, second, (j) => j.state !== 'QUEUED', 60_000);
  if (running.state === 'RUNNING') expect(running.progress.message).toBeNull();
  for (const id of [first, second, third]) expect(await waitForJob(gql, id, undefined, 60_000)).toMatchObject({ state: 'SUCCEEDED', progress: { message: null } });
}, 120_000);
