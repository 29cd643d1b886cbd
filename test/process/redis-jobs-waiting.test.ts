import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { caseOf } from '../support/gdc';
import { START_CREATE, gqlAt, waitForJob } from '../support/jobs';
import { ok } from '../support/stack';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';
import { type PrivateRedis, startPrivateRedis } from '../support/redis';

/**
 * Issue 17, the shared queue (REDIS_URL with JOBS_ENCRYPTION_KEY) with MAX_RUNNING_JOBS=1: a job
 * started while the worker is busy says it waits for a worker and behind how many, in the same
 * words as a gateway's own queue (src/jobs/waiting.ts), and the message goes once it runs.
 */
type Gateway = RunningProcess & { url: string; graphqlUrl: string };
let sandbox: RunningSandbox;
let redis: PrivateRedis;
let disk: string;
let gw: Gateway | undefined;

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({ encode: false, gdc: true, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') }), startPrivateRedis()]);
  disk = mkdtempSync(path.join(tmpdir(), 'sg-waiting-'));
  gw = await startGatewayProcess({
    DATA_DIR: path.join(disk, 'data'),
    GDC_URL: sandbox.gdc!.url,
    ENCODE_URL: sandbox.gdc!.url,
    GDC_TOKEN: sandbox.gdc!.token,
    REDIS_URL: redis.url,
    JOBS_ENCRYPTION_KEY: '34'.repeat(32),
    MAX_RUNNING_JOBS: '1',
    ACCESS_LOG: 'off',
  });
}, 120_000);
afterAll(async () => {
  kill(gw);
  await gw?.exited;
  await Promise.all([redis?.stop(), sandbox?.stop()]);
  if (disk) rmSync(disk, { recursive: true, force: true });
});

it('with every worker busy, a queued job says it waits for a worker and how many are ahead', async () => {
  const gql = gqlAt(gw!.graphqlUrl);
  // Slow transactions: the first job holds the only worker for a few seconds.
  sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 200 }]);
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
