import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { caseOf } from '../support/gdc';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';
import { gqlAt, START_CREATE, waitForJob } from '../support/jobs';
import { attr, type OtlpReceiver, startOtlpReceiver, waitForSpans } from '../support/otlp';
import { ok } from '../support/stack';

/**
 * Issue 17, a span per job across a restart: the run a SIGTERM interrupts is a span in the caller's
 * trace (child of the startCreateEntities operation) ending RUNNING; the run the next start
 * resumes is a span of a trace of its own, linked to that operation's span (kept with the job),
 * with the upstream calls it made as its children.
 */
const ROWS = 8;
const CALLER_TRACE = '3'.repeat(32);
const CALLER_SPAN = '4'.repeat(16);

let sandbox: RunningSandbox;
let receiver: OtlpReceiver;
let dataDir: string;

beforeAll(async () => {
  [sandbox, receiver] = await Promise.all([startSandbox({ encode: false, gdc: true }), startOtlpReceiver()]);
  dataDir = mkdtempSync(path.join(tmpdir(), 'sg-trace-resume-'));
}, 120_000);
afterAll(async () => {
  await Promise.all([sandbox?.stop(), receiver?.close()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const gateway = () =>
  startGatewayProcess({
    GDC_URL: sandbox.gdc!.url,
    ENCODE_URL: sandbox.gdc!.url,
    DATA_DIR: dataDir,
    JOBS_ENCRYPTION_KEY: 'cd'.repeat(32),
    SHUTDOWN_GRACE_MS: '20000',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    ACCESS_LOG: 'off',
  });

it('a run resumed after a restart is a span linked to the operation that started the job', async () => {
  const headers = { 'x-auth-token': sandbox.gdc!.token };
  sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 400 }]);
  let first: GatewayProcess | undefined = await gateway();
  let id: string;
  let doneAtStop: number;
  try {
    const gql = gqlAt(first.graphqlUrl);
    const entities = Array.from({ length: ROWS }, (_, i) => caseOf(`TRACE-RESUME-${i}`));
    id = ok(await gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: 1 } }, { ...headers, traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` })).startCreateEntities.id;
    await waitForJob(gql, id, (j) => j.progress.done >= 2, 60_000, headers);
    const exited = new Promise((r) => first!.child.once('exit', r));
    first.child.kill('SIGTERM'); // drained: stops after the chunk under way, spans flushed at shutdown
    await exited;
    first = undefined;
  } finally {
    first?.child.kill('SIGKILL');
  }
  sandbox.gdc!.emulator.faults.clear();

  const operation = await waitForSpans(() => receiver.spans.find((s) => s.traceId === CALLER_TRACE && s.parentSpanId === CALLER_SPAN));
  const firstRun = await waitForSpans(() => receiver.spans.find((s) => s.name === 'job createEntities' && s.parentSpanId === operation.spanId));
  expect(firstRun.traceId).toBe(CALLER_TRACE);
  expect(attr(firstRun, 'job.id')).toBe(id!);
  expect(attr(firstRun, 'job.state')).toBe('RUNNING');
  expect(attr(firstRun, 'job.resumed')).toBe(false);
  doneAtStop = attr(firstRun, 'job.done') as number;
  expect(doneAtStop).toBeGreaterThanOrEqual(2);
  expect(doneAtStop).toBeLessThan(ROWS);

  const second = await gateway();
  try {
    const gql = gqlAt(second.graphqlUrl);
    expect(await waitForJob(gql, id!, undefined, 60_000, headers)).toMatchObject({ state: 'SUCCEEDED', progress: { done: ROWS, succeeded: ROWS } });
    const resumed = await waitForSpans(() => receiver.spans.find((s) => s.name === 'job createEntities' && attr(s, 'job.id') === id && attr(s, 'job.resumed') === true));
    expect(resumed.traceId).not.toBe(CALLER_TRACE);
    expect(resumed.parentSpanId || undefined).toBeUndefined();
    expect(resumed.links).toEqual([expect.objectContaining({ traceId: CALLER_TRACE, spanId: operation.spanId })]);
    expect(attr(resumed, 'job.state')).toBe('SUCCEEDED');
    // The chunks left are this run's children (a resumed chunk goes as an upsert: POST or PUT).
    const posts = receiver.spans.filter((s) => s.parentSpanId === resumed.spanId && /^(POST|PUT) \/v0\/submission\/\{prog\}\/\{proj\}$/.test(s.name));
    expect(posts).toHaveLength(ROWS - doneAtStop);
    expect(posts.every((p) => p.traceId === resumed.traceId)).toBe(true);
  } finally {
    await second.stop();
  }
}, 240_000);
