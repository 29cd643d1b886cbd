import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-sse';
import { request } from 'undici';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { caseOf } from '../support/gdc';
import { START_CREATE } from '../support/jobs';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';
import { type PrivateRedis, startPrivateRedis } from '../support/redis';

/**
 * Issue 17: with REDIS_URL, job progress travels over Redis pub/sub, so a caller watching
 * `jobProgress` over SSE through instance B hears every event of a job that runs on instance A,
 * and the stream ends with SUCCEEDED. Without pub/sub B would send the job as it first read it and
 * then nothing more (its own process never runs the job), and this test would time out.
 * Without JOBS_ENCRYPTION_KEY each job stays on the instance that started it (its credentials
 * cannot leave that memory), kept in its DATA_DIR: the two instances share one DATA_DIR here, as
 * the README offers for that case, so that B can read the job.
 */
const ROWS = 1_000;
const CHUNK = 50;
const PROGRESS = 'subscription Watch($id: ID!) { jobProgress(id: $id) { state progress { total done succeeded failed } } }';

type Gateway = RunningProcess & { url: string; graphqlUrl: string };
let sandbox: RunningSandbox;
let redis: PrivateRedis;
let dataDir: string;
let a: Gateway | undefined;
let b: Gateway | undefined;

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({ encode: false, gdc: true, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') }), startPrivateRedis()]);
  dataDir = mkdtempSync(path.join(tmpdir(), 'sg-redis-progress-'));
  const env = { GDC_URL: sandbox.gdc!.url, ENCODE_URL: sandbox.gdc!.url, REDIS_URL: redis.url, DATA_DIR: dataDir, ACCESS_LOG: 'off' };
  [a, b] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
}, 120_000);
afterAll(async () => {
  kill(a);
  kill(b);
  await Promise.all([a?.exited, b?.exited]);
  await Promise.all([redis?.stop(), sandbox?.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('a job started through A, watched over SSE through B: monotonic progress ending in SUCCEEDED', async () => {
  const token = sandbox.gdc!.token;
  // Slow chunks: the job runs for a few seconds, long enough for B's watcher to hear it move.
  sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 150 }]);
  try {
    const entities = Array.from({ length: ROWS }, (_, i) => caseOf(`PUBSUB-${String(i).padStart(4, '0')}`));
    const res = await request(a!.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ query: START_CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: CHUNK } } }),
    });
    const started = (await res.body.json()) as any;
    expect(started.errors).toBeUndefined();
    const id = started.data.startCreateEntities.id as string;

    const client = createClient({ url: b!.graphqlUrl, headers: { 'X-Auth-Token': token }, retryAttempts: 0 });
    const events: Array<{ state: string; progress: { total: number | null; done: number; succeeded: number; failed: number } }> = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no SUCCEEDED through B within 60 s; heard ${JSON.stringify(events)}`)), 60_000);
        client.subscribe<{ jobProgress: (typeof events)[number] }>(
          { query: PROGRESS, variables: { id } },
          {
            next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : events.push(r.data!.jobProgress)),
            error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
            complete: () => {
              clearTimeout(timer);
              resolve();
            },
          },
        );
      });
    } finally {
      client.dispose();
    }
    const done = events.map((e) => e.progress.done);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    // B heard the job move, not only its first and last state.
    expect(new Set(done.filter((d) => d > 0 && d < ROWS)).size).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)).toEqual({ state: 'SUCCEEDED', progress: { total: ROWS, done: ROWS, succeeded: ROWS, failed: 0 } });
    expect(events.slice(0, -1).every((e) => e.state !== 'SUCCEEDED')).toBe(true);
    // The job ran on A alone: B sent nothing to GDC (its process never ran it).
    expect(b!.output()).not.toMatch(/resuming a job/);
  } finally {
    sandbox.gdc!.emulator.faults.clear();
  }
}, 180_000);
