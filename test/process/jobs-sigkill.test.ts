import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { caseOf } from '../support/gdc';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';
import { JOB, START_CREATE } from '../support/jobs';

/**
 * Issue 16 durability on real processes: a 20,000-row GDC job whose gateway is SIGKILLed at about
 * half continues when a gateway starts again on the same DATA_DIR, and GDC ends up holding every
 * entity exactly once. The sandbox runs in this (the test's) process, so the kill cannot take it along.
 */
describe('a job whose gateway is SIGKILLed', () => {
  let sandbox: RunningSandbox;
  let dataDir: string;
  const ROWS = 20_000;
  const KEY = 'ab'.repeat(32);

  beforeAll(async () => {
    sandbox = await startSandbox({ encode: false, gdc: true, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') });
    dataDir = mkdtempSync(path.join(tmpdir(), 'jobs-sigkill-'));
  }, 60_000);
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const gateway = (env: Record<string, string> = {}) =>
    startGatewayProcess({ GDC_URL: sandbox.gdc!.url, ENCODE_URL: sandbox.gdc!.url, GDC_TOKEN: sandbox.gdc!.token, DATA_DIR: dataDir, ...env });
  const gql = async (gw: GatewayProcess, query: string, variables: Record<string, unknown>) => {
    const res = await request(gw.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.body.json()) as { data: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const waitFor = async (gw: GatewayProcess, id: string, until: (job: any) => boolean, timeoutMs: number) => {
    for (const end = Date.now() + timeoutMs; ; ) {
      const { job } = await gql(gw, JOB, { id });
      if (until(job)) return job;
      if (Date.now() > end) throw new Error(`job not as expected: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const held = (prefix: string) => {
    const counts = new Map<string, number>();
    for (const node of sandbox.gdc!.emulator.service.store.ofType('case')) {
      const id = String(node.props.submitter_id);
      if (id.startsWith(prefix)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };

  it('resumes from its last recorded chunk on the next start: every entity exactly once', async () => {
    const document = JSON.stringify(Array.from({ length: ROWS }, (_, i) => caseOf(`SIGKILL-${String(i).padStart(5, '0')}`)));
    const first = await gateway({ JOBS_ENCRYPTION_KEY: KEY });
    // Larger than MAX_REQUEST_BYTES as a document: sent as a file, as the refusal advises.
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: START_CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null, chunkSize: 500 } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', new Blob([document]), 'cases.json');
    const started = await fetch(first.graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
    const body = (await started.json()) as { data: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    const job = body.data.startCreateEntities;
    await waitFor(first, job.id, (j) => j.progress.done >= ROWS / 2, 300_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await new Promise((r) => setTimeout(r, 500)); // a chunk already sent lands
    const partial = held('SIGKILL-');
    expect(partial.size).toBeGreaterThanOrEqual(ROWS / 2);
    expect(partial.size).toBeLessThan(ROWS);

    const second = await gateway({ JOBS_ENCRYPTION_KEY: KEY });
    try {
      const done = await waitFor(second, job.id, (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state), 300_000);
      expect(done).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { total: ROWS, done: ROWS, failed: 0 } });
      // The chunk that may have landed unrecorded was re-sent as PUT, so succeeded counts every row.
      expect(done.progress.succeeded).toBe(ROWS);
    } finally {
      await second.stop();
    }
    const after = held('SIGKILL-');
    expect(after.size).toBe(ROWS);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    // The spooled input is gone once the job ended.
    expect(readdirSync(path.join(dataDir, 'inputs')).filter((f) => f.startsWith(job.id))).toEqual([]);
  }, 900_000);

  it('after SIGTERM (drained: the chunk under way finishes and is recorded) the next start resumes it: every entity exactly once', async () => {
    const rows = 2_000;
    const entities = Array.from({ length: rows }, (_, i) => caseOf(`SIGTERM-${String(i).padStart(4, '0')}`));
    // Slow chunks, so SIGTERM lands in the middle of the job.
    sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 300 }]);
    const first = await gateway({ JOBS_ENCRYPTION_KEY: KEY, SHUTDOWN_GRACE_MS: '20000' });
    const { startCreateEntities: job } = await gql(first, START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: 100 } });
    await waitFor(first, job.id, (j) => j.progress.done >= rows / 2, 300_000);
    const exited = new Promise((r) => first.child.once('exit', (code) => r(code)));
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    sandbox.gdc!.emulator.faults.clear();
    const partial = held('SIGTERM-');
    expect(partial.size % 100).toBe(0); // drained: only whole chunks, each recorded before the exit
    expect(partial.size).toBeLessThan(rows);

    const second = await gateway({ JOBS_ENCRYPTION_KEY: KEY });
    try {
      const done = await waitFor(second, job.id, (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state), 300_000);
      expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: rows, done: rows, succeeded: rows, failed: 0 } });
    } finally {
      await second.stop();
    }
    const after = held('SIGTERM-');
    expect(after.size).toBe(rows);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
  }, 900_000);
});
