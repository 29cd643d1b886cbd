import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { type RunningGateway, startGateway } from '../../../src/gateway';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { caseOf } from '../../support/gdc';
import { RESUME, START_CREATE, waitForJob } from '../../support/jobs';
import { gatewayOptionsOn, REAL_SCHEMAS } from '../../support/stack';

/**
 * Issue 16: a job a graceful stop interrupted, on a gateway without JOBS_ENCRYPTION_KEY: its
 * credentials were never on disk, so the next start leaves it QUEUED, saying why, until its owner
 * calls resumeJob; then it finishes with every entity exactly once.
 */
describe('a job interrupted without JOBS_ENCRYPTION_KEY', () => {
  let sandbox: RunningSandbox;
  let dataDir: string;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox(REAL_SCHEMAS);
    dataDir = mkdtempSync(path.join(tmpdir(), 'jobs-restart-'));
  }, 60_000);
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (maxRunning = 4) => {
    const gw = await startGateway({
      ...gatewayOptionsOn(sandbox),
      jobs: { dataDir, retentionHours: 24, encryptionKey: null, maxRunning, lockSeconds: 30 },
    });
    gateways.push(gw);
    return gw;
  };
  const gqlOn = (gw: RunningGateway) => async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const res = await request(gw.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    const body = (await res.body.json()) as { data: any; errors?: any[] };
    return { status: res.statusCode, data: body.data, errors: body.errors };
  };
  const held = () => {
    const counts = new Map<string, number>();
    for (const node of sandbox.gdc!.emulator.service.store.ofType('case')) {
      const id = String(node.props.submitter_id);
      if (id.startsWith('RESTART-')) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };

  it('stops after the chunk under way on stop, waits QUEUED at the next start, and resumes with resumeJob', async () => {
    sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 150 }]);
    const first = await start();
    const gql1 = gqlOn(first);
    const entities = Array.from({ length: 40 }, (_, i) => caseOf(`RESTART-${String(i).padStart(2, '0')}`));
    const job = (await gql1(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: 4 } })).data.startCreateEntities;
    await waitForJob(gql1 as never, job.id, (j) => j.progress.done >= 8);
    await first.stop(5_000);
    const landed = held().size;
    expect(landed).toBeGreaterThanOrEqual(8);
    expect(landed).toBeLessThan(40);
    sandbox.gdc!.emulator.faults.clear();

    const second = await start();
    const gql2 = gqlOn(second);
    const waiting = await waitForJob(gql2 as never, job.id, (j) => j.state === 'QUEUED');
    expect(waiting.progress.done).toBe(landed);
    expect(waiting.progress.message).toBe(
      `Interrupted by a gateway restart after ${landed} of 40; its credentials were not kept (no JOBS_ENCRYPTION_KEY): call resumeJob(id) with them to continue.`,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(held().size).toBe(landed); // nothing is sent while it waits
    const other = await gql2(RESUME, { id: job.id }, { 'x-auth-token': 'another-wrangler' });
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const resumed = await gql2(RESUME, { id: job.id });
    expect(resumed.errors).toBeUndefined();
    const done = await waitForJob(gql2 as never, job.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: 40, done: 40, succeeded: 40, failed: 0, message: null } });
    const after = held();
    expect(after.size).toBe(40);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    // A job that is not waiting cannot be resumed.
    const again = await gql2(RESUME, { id: job.id });
    expect(again.errors?.[0]).toMatchObject({ message: `Job '${job.id}' is succeeded, not waiting for credentials: nothing to resume.`, extensions: { code: 'BAD_USER_INPUT' } });
  }, 120_000);

  it('runs at most MAX_RUNNING_JOBS at once; the next waits QUEUED, saying why, and runs when one ends', async () => {
    sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 100 }]);
    const gw = await start(1);
    const gql = gqlOn(gw);
    const input = (prefix: string) => ({ source: 'GDC', project: 'GDC-INTERNAL', entities: Array.from({ length: 8 }, (_, i) => caseOf(`${prefix}-${i}`)), chunkSize: 2 });
    const a = (await gql(START_CREATE, { input: input('RESTART-QA') })).data.startCreateEntities;
    await waitForJob(gql as never, a.id, (j) => j.state === 'RUNNING');
    const b = (await gql(START_CREATE, { input: input('RESTART-QB') })).data.startCreateEntities;
    const waiting = await waitForJob(gql as never, b.id, (j) => j.progress.message !== null);
    expect(waiting).toMatchObject({ state: 'QUEUED', progress: { done: 0, message: 'Waiting for a worker (0 job(s) ahead): 1 job(s) are running, as many as this gateway runs at once (MAX_RUNNING_JOBS=1).' } });
    const doneB = await waitForJob(gql as never, b.id);
    const doneA = await waitForJob(gql as never, a.id);
    expect([doneA.state, doneB.state]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(doneB.startedAt >= doneA.finishedAt).toBe(true);
    expect(doneB.progress.message).toBeNull();
    sandbox.gdc!.emulator.faults.clear();
  }, 120_000);
});
