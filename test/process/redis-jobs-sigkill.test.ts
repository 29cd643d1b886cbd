import { createClient } from 'graphql-sse';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { caseOf } from '../support/gdc';
import { JOB, START_CREATE, casesHeld, gqlAt, waitForJob } from '../support/jobs';
import { ok } from '../support/stack';
import { type JobsGateway, type RedisJobsRig, startRedisJobsRig } from '../support/redis-jobs';

/**
 * Issue 17 on real processes: with REDIS_URL and JOBS_ENCRYPTION_KEY jobs are kept in Redis and
 * run on BullMQ. A 20,000-row GDC job started through instance A runs on A and is watched over SSE
 * through instance B; A is SIGKILLed at about half; once A's lock lapses (JOB_LOCK_SECONDS) B's
 * worker takes the job over from its last recorded chunk; the watcher through B hears it end
 * SUCCEEDED, and GDC holds every entity exactly once. Each instance has a disk of its own
 * (DATA_DIR, TMPDIR): nothing reaches B except through Redis.
 */
const ROWS = 20_000;
const CHUNK = 500;
const KEY = 'cd'.repeat(32);
const PROGRESS = 'subscription Watch($id: ID!) { jobProgress(id: $id) { state error progress { total done succeeded failed } } }';

let rig: RedisJobsRig;
let a: JobsGateway;
let b: JobsGateway;

// Long enough that B, stalled on a busy machine, keeps its own lock (renewed every half of it): a
// lapse of B's lock would be a second takeover, by B of its own job. 3 s gave 2 under load 15.
const gateway = () => rig.gateway({ JOB_LOCK_SECONDS: '8' });

beforeAll(async () => {
  rig = await startRedisJobsRig({ name: 'bull-instance', encryptionKey: KEY });
}, 120_000);
afterAll(() => rig?.stop());

const gql = async (gw: JobsGateway, query: string, variables: Record<string, unknown>) => ok(await gqlAt(gw.graphqlUrl)(query, variables));

const waitFor = (gw: JobsGateway, id: string, until: (job: any) => boolean, timeoutMs: number) => waitForJob(gqlAt(gw.graphqlUrl), id, until, timeoutMs);

const held = (prefix: string) => casesHeld(rig.sandbox, prefix);

it('a job started through A, watched through B, A SIGKILLed at about half: B finishes it, every entity exactly once', async () => {
  // Slow chunks: the job takes long enough to kill A in its middle.
  rig.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 250 }]);
  // A alone at first, so A's worker is the one that takes the job.
  a = await gateway();
  const document = JSON.stringify(Array.from({ length: ROWS }, (_, i) => caseOf(`BULL-${String(i).padStart(5, '0')}`)));
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: START_CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null, chunkSize: CHUNK } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([document]), 'cases.json');
  const started = (await (await fetch(a.graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form })).json()) as { data: any; errors?: unknown[] };
  expect(started.errors).toBeUndefined();
  const id = started.data.startCreateEntities.id as string;
  await waitFor(a, id, (j) => j.state === 'RUNNING' && j.progress.done > 0, 60_000);

  b = await gateway();
  // B reads the job from Redis: another disk, the same job.
  expect((await gql(b, JOB, { id })).job).toMatchObject({ id, state: 'RUNNING' });
  const client = createClient({ url: b.graphqlUrl, retryAttempts: 0 });
  const events: any[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no end heard through B within 300 s; last ${JSON.stringify(events.at(-1))}`)), 300_000);
    client.subscribe(
      { query: PROGRESS, variables: { id } },
      {
        next: (r: any) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : events.push(r.data.jobProgress)),
        error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
        complete: () => {
          clearTimeout(timer);
          resolve();
        },
      },
    );
  });

  await waitFor(b, id, (j) => j.progress.done >= ROWS / 2, 300_000);
  a.child.kill('SIGKILL');
  await a.exited;
  await new Promise((r) => setTimeout(r, 500)); // a chunk already sent lands
  const partial = held('BULL-');
  expect(partial.size).toBeGreaterThanOrEqual(ROWS / 2);
  expect(partial.size).toBeLessThan(ROWS);
  rig.sandbox.gdc!.emulator.faults.clear();

  try {
    await finished;
  } finally {
    client.dispose();
  }
  const done = events.map((e) => e.progress.done);
  expect(done).toEqual([...done].sort((x, y) => x - y));
  expect(events.at(-1)).toEqual({ state: 'SUCCEEDED', error: null, progress: { total: ROWS, done: ROWS, succeeded: ROWS, failed: 0 } });
  // B continued the job from what A recorded, not from the start.
  expect(b.logs.some((l) => l.msg === 'continuing a job another instance was running' && l.jobId === id && (l.done as number) >= ROWS / 2)).toBe(true);
  const metrics = await (await request(`${b.url}/metrics`, { reset: true })).body.text();
  expect(metrics).toMatch(/^gateway_job_takeovers_total 1$/m);
  expect(metrics).toMatch(/^gateway_job_queue_jobs\{state="active"\} 0$/m);
  const after = held('BULL-');
  expect(after.size).toBe(ROWS);
  expect([...after.values()].every((n) => n === 1)).toBe(true);

  // Ended: its spooled document and sealed credentials are gone from Redis, its keys expire with the retention.
  const client2 = new Redis(rig.redis.url);
  try {
    expect(await client2.exists(`submission-gateway:jobs:document:${id}`)).toBe(0);
    expect(await client2.hexists(`submission-gateway:jobs:job:${id}`, 'credentials')).toBe(0);
    expect(await client2.ttl(`submission-gateway:jobs:job:${id}`)).toBeGreaterThan(23 * 3600);
    // Nothing of the job's credentials in clear anywhere in Redis.
    for (const key of await client2.keys('*')) {
      const type = await client2.type(key);
      const text = type === 'string' ? await client2.get(key) : type === 'hash' ? JSON.stringify(await client2.hgetall(key)) : '';
      expect(text ?? '').not.toContain(rig.sandbox.gdc!.token);
    }
  } finally {
    client2.disconnect();
  }
}, 900_000);
