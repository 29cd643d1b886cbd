import { caseOf } from '../support/gdc';
import { JOB, START_CREATE, casesHeld, gqlAt, waitForJob } from '../support/jobs';
import { ok } from '../support/stack';
import { type JobsGateway, type RedisJobsRig, startRedisJobsRig } from '../support/redis-jobs';

/**
 * Issue 17, the take-over nobody announces: instance A is frozen (SIGSTOP: a long GC pause, a
 * host under swap, a debugger) with a chunk of its job under way, longer than JOB_LOCK_SECONDS.
 * Its lock lapses and B's worker takes the job over from the last recorded chunk. Then A wakes
 * with its stale view of the job. It must send no further chunk, nor overwrite what B records,
 * and the job ends as B ends it. The one chunk both may send is the one A had under way: B cannot
 * know whether it landed, so it re-sends it as PUT (src/jobs/work/gdc.ts), and GDC updates those
 * cases with the values they already have. Counted in GDC's transaction log, not only in what it
 * holds: every other case is written exactly once.
 */
const ROWS = 2_000;
const CHUNK = 100;
const LOCK_SECONDS = 3;
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

let rig: RedisJobsRig;
let a: JobsGateway;
let b: JobsGateway;

beforeAll(async () => {
  rig = await startRedisJobsRig({ name: 'lapsed-lock', encryptionKey: '34'.repeat(32) });
}, 120_000);
afterAll(async () => {
  if (a?.child.exitCode === null) a.child.kill('SIGCONT');
  await rig?.stop();
});

const gql = async (gw: JobsGateway, query: string, variables: Record<string, unknown>) => ok(await gqlAt(gw.graphqlUrl)(query, variables));

/** Each write GDC committed (not dry runs) of a case whose submitter_id starts with `prefix`, in order. */
function writesOf(prefix: string): { id: string; action: string | null; changed: boolean }[] {
  const writes: { id: string; action: string | null; changed: boolean }[] = [];
  for (const log of rig.sandbox.gdc!.emulator.service.logs.all()) {
    if (log.is_dry_run || log.state !== 'SUCCEEDED') continue;
    for (const entity of log.entities) {
      const id = String(entity.new_props.submitter_id ?? '');
      if (!id.startsWith(prefix)) continue;
      const changed = Object.entries(entity.new_props).some(([k, v]) => !/_datetime$/.test(k) && JSON.stringify(entity.old_props?.[k]) !== JSON.stringify(v));
      writes.push({ id, action: entity.action, changed });
    }
  }
  return writes;
}

it('A frozen past its lock with a chunk under way: B takes the job over; woken, A sends nothing more and B ends it, every case written once but for that chunk, updated to the same values', async () => {
  const prefix = 'LAPSED-';
  // Chunks of 0.5 s: A is frozen with one under way.
  rig.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 500 }]);
  a = await rig.gateway({ JOB_LOCK_SECONDS: String(LOCK_SECONDS) });
  const entities = Array.from({ length: ROWS }, (_, i) => caseOf(`${prefix}${String(i).padStart(4, '0')}`));
  const { startCreateEntities: job } = await gql(a, START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: CHUNK } });
  const id = job.id as string;
  await waitForJob(gqlAt(a.graphqlUrl), id, (j) => j.state === 'RUNNING' && j.progress.done >= 3 * CHUNK, 60_000);
  b = await rig.gateway({ JOB_LOCK_SECONDS: String(LOCK_SECONDS) });

  a.child.kill('SIGSTOP');
  const taken = await b.waitForLog((l) => l.jobId === id && l.msg === 'continuing a job another instance was running', 60_000);
  expect(taken.done).toBeGreaterThanOrEqual(3 * CHUNK);
  expect(taken.done).toBeLessThan(ROWS);
  // B has its own chunk under way, A wakes with the one it had.
  await new Promise((r) => setTimeout(r, 300));
  a.child.kill('SIGCONT');

  await a.waitForLog((l) => l.msg === 'job lock not renewed in time: the job stops after its current slice and another instance continues it', 30_000);
  rig.sandbox.gdc!.emulator.faults.clear();
  const done = await waitForJob(gqlAt(b.graphqlUrl), id, (j) => TERMINAL.includes(j.state), 180_000);
  // A has had time to do whatever it would still do.
  await new Promise((r) => setTimeout(r, 2_000));
  const final = (await gql(b, JOB, { id })).job;
  expect(final).toEqual(done);
  expect(final).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { total: ROWS, done: ROWS, succeeded: ROWS, failed: 0 } });
  expect((await gql(a, JOB, { id })).job).toEqual(final);

  const held = casesHeld(rig.sandbox, prefix);
  expect(held.size).toBe(ROWS);
  expect([...held.values()].every((n) => n === 1)).toBe(true);
  const writes = writesOf(prefix);
  const perCase = new Map<string, number>();
  for (const w of writes) perCase.set(w.id, (perCase.get(w.id) ?? 0) + 1);
  expect(perCase.size).toBe(ROWS);
  const twice = [...perCase].filter(([, n]) => n > 1).map(([caseId]) => caseId);
  expect([...perCase.values()].every((n) => n <= 2)).toBe(true);
  // At most the chunk B took over from, and its second write changed nothing.
  const taken0 = taken.done as number;
  const chunkOf = (caseId: string) => Number(caseId.slice(prefix.length));
  expect(twice.every((c) => chunkOf(c) >= taken0 && chunkOf(c) < taken0 + CHUNK)).toBe(true);
  const second = writes.filter((w, i) => twice.includes(w.id) && writes.findIndex((x) => x.id === w.id) !== i);
  expect(second.every((w) => w.action === 'update' && !w.changed)).toBe(true);
}, 300_000);
