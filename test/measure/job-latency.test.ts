import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FormData, request } from 'undici';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { casesAndSamplesTsv } from '../support/gdc-job-document';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';
import { JOB, START_CREATE } from '../support/jobs';
import { startControlServer, startProber } from '../support/prober';
import { REAL_SCHEMAS } from '../support/stack';

/** An idle process answering slower than this (p99) means the machine is too busy (other work) to judge the bound. */
const QUIET_P99_MS = 15;
const BOUND_MS = 100;
const ROWS = 10_000;

interface Figures {
  seconds: number;
  probes: number;
  p99Ms: number;
  controlP99Ms: number;
}

const p99 = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length * 0.99)] ?? NaN;

/**
 * Issue 16: another caller's `{ gatewayInfo { version } }` stays quick while the gateway runs a
 * GDC job (10,000 rows, samples before their cases in the file, chunks of 1000): cutting chunks
 * from the spool, reading GDC's answers and writing outcomes to SQLite all give the event loop
 * turns. The gateway is a process of its own, the sandbox in this one. As in gdc-streaming.test.ts,
 * an idle control server probed alongside tells whether the machine was quiet; a busy run is
 * repeated (up to 3 times), and if none is quiet the quietest is judged against what the machine
 * allowed then (the control's p99 + the bound).
 */
describe('another caller during a GDC job', () => {
  let sandbox: RunningSandbox;
  let gateway: GatewayProcess;
  let dataDir: string;

  beforeAll(async () => {
    // Both upstreams: with one missing, the gateway would re-read the schemas every 30 s (a pause of its own, not the job's).
    sandbox = await startSandbox(REAL_SCHEMAS);
    dataDir = mkdtempSync(path.join(tmpdir(), 'job-latency-'));
    gateway = await startGatewayProcess({ GDC_URL: sandbox.gdc!.url, ENCODE_URL: sandbox.encode!.url, GDC_TOKEN: sandbox.gdc!.token, DATA_DIR: dataDir });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(prefix: string): Promise<Figures> {
    const control = await startControlServer();
    const prober = startProber(gateway.graphqlUrl, 20);
    const controlProber = startProber(control.url, 20);
    await Promise.all([prober.ready, controlProber.ready]);
    const started = performance.now();
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: START_CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null, chunkSize: 1000 } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', new Blob([new Uint8Array(casesAndSamplesTsv(prefix, ROWS / 2))]), `${prefix}.tsv`);
    const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
    const body = (await res.body.json()) as { data: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    let job = body.data.startCreateEntities;
    while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.state)) {
      await new Promise((r) => setTimeout(r, 100));
      const answer = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: JOB, variables: { id: job.id } }) });
      job = ((await answer.body.json()) as { data: any }).data.job;
    }
    const seconds = (performance.now() - started) / 1000;
    const [probes, controlProbes] = await Promise.all([prober.stop(), controlProber.stop()]);
    await control.close();
    expect(job).toMatchObject({ state: 'SUCCEEDED', progress: { done: ROWS, succeeded: ROWS, failed: 0 } });
    return { seconds, probes: probes.length, p99Ms: p99(probes.map((p) => p.ms)), controlP99Ms: p99(controlProbes.map((p) => p.ms)) };
  }

  it(`a ${ROWS}-row job: another caller's p99 < ${BOUND_MS} ms`, async () => {
    const runs: Figures[] = [];
    const quiet = (f: Figures) => f.controlP99Ms <= QUIET_P99_MS;
    while (runs.length < 3 && !runs.some(quiet)) {
      if (runs.length) await new Promise((r) => setTimeout(r, 5000));
      const f = await run(`LAT${runs.length}`);
      console.log(`job latency: ${JSON.stringify(f)}`);
      expect(f.probes).toBeGreaterThan(50);
      runs.push(f);
    }
    const judged = runs.find(quiet) ?? [...runs].sort((a, b) => a.controlP99Ms - b.controlP99Ms)[0];
    expect(judged.p99Ms).toBeLessThan(quiet(judged) ? BOUND_MS : judged.controlP99Ms + BOUND_MS);
  }, 900_000);
});
