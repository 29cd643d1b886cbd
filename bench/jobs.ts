/**
 * Issue 16: a 20,000-row GDC submission (10,000 cases and a sample for each, children first in
 * the file) as a job (startCreateEntities, watched until SUCCEEDED) against the synchronous
 * createEntities on the same kind of file with the same chunkSize (the job default, 1000), in the
 * same run against the sandbox in its own process. Runs alternate (sync, job, job, sync) so a
 * store that grows favours neither. Another caller's p99 during the job runs shows its cost to others.
 *
 * Also: the gateway's heap and RSS after a full GC once a job of N/4 rows and once a job of N rows have
 * ended (outcomes go to disk, so it must not grow with rows), and the gateway's CPU time during a
 * job watched by 100 SSE subscribers against the same job watched by none, as a share of one core.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FormData, request } from 'undici';
import { CREATE } from '../test/support/gdc';
import { startProber } from '../test/support/prober';
import { REAL_SCHEMAS } from '../test/support/stack';
import { JOB, START_CREATE } from '../test/support/jobs';
import { casesAndSamplesTsv as file } from '../test/support/gdc-job-document';
import { startChild, startGatewayChild } from './support/child';
import { cpuOf, rssOf } from './support/processes';

// BENCH_JOB_ROWS: fewer rows for a quick look (the sandbox slows as its store grows, so 4 x 20,000 rows take many minutes).
const ROWS = Number(process.env.BENCH_JOB_ROWS ?? 20_000);
const CASES = Math.floor(ROWS / 2);
const CHUNK = 1000;
const SUBSCRIBERS = 100;
const input = { source: 'GDC', project: 'GDC-INTERNAL', chunkSize: CHUNK, file: null };

/** A GraphQL multipart request with the file, waiting as long as the synchronous mutation takes (no headers timeout). */
async function postFile(graphqlUrl: string, query: string, bytes: Buffer, prefix: string): Promise<{ data: any; errors?: unknown[] }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { input } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([new Uint8Array(bytes)]), `${prefix}.tsv`);
  const res = await request(graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form, headersTimeout: 0, bodyTimeout: 0 });
  return (await res.body.json()) as { data: any; errors?: unknown[] };
}

async function sync(graphqlUrl: string, prefix: string): Promise<number> {
  const bytes = file(prefix, CASES);
  const started = performance.now();
  const res = await postFile(graphqlUrl, CREATE, bytes, prefix);
  const r = res.data?.createEntities;
  if (!r?.success || r.createdCount !== 2 * CASES) throw new Error(`synchronous run failed: ${JSON.stringify(res.errors ?? r?.message)}`);
  return (performance.now() - started) / 1000;
}

const PROGRESS = 'subscription W($id: ID!) { jobProgress(id: $id) { state progress { done succeeded failed etaSeconds } } }';

/** One GraphQL-over-SSE watcher of the job (a real connection); resolves with the events it got once the stream ends. */
async function subscriber(graphqlUrl: string, id: string): Promise<{ events: number; last: string }> {
  const res = await request(graphqlUrl, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    body: JSON.stringify({ query: PROGRESS, variables: { id } }),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  let text = '';
  for await (const chunk of res.body) text += chunk;
  const data = text.split('\n').filter((l) => l.startsWith('data:') && l.includes('jobProgress'));
  return { events: data.length, last: data.at(-1) ?? '' };
}

interface JobRun {
  seconds: number;
  p99: number;
  /** The gateway's CPU seconds (user + system) from the start request to the end. */
  cpu: number;
  /** Events per subscriber (min), when watched. */
  events: number;
}

async function job(graphqlUrl: string, prefix: string, pid: number, cases: number, subscribers = 0): Promise<JobRun> {
  const bytes = file(prefix, cases);
  const prober = startProber(graphqlUrl, 20);
  await prober.ready;
  const cpuBefore = cpuOf(pid);
  const started = performance.now();
  const res = await postFile(graphqlUrl, START_CREATE, bytes, prefix);
  const id = res.data?.startCreateEntities?.id;
  if (!id) throw new Error(`job did not start: ${JSON.stringify(res.errors)}`);
  const watching = Array.from({ length: subscribers }, () => subscriber(graphqlUrl, id));
  let state = '';
  let last: any = null;
  while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state)) {
    await new Promise((r) => setTimeout(r, 50));
    const answer = await request(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: JOB, variables: { id } }) });
    last = ((await answer.body.json()) as { data: any }).data.job;
    state = last.state;
  }
  const seconds = (performance.now() - started) / 1000;
  const watched = await Promise.all(watching);
  const cpuAfter = cpuOf(pid);
  const probes = (await prober.stop()).map((p) => p.ms).sort((a, b) => a - b);
  if (state !== 'SUCCEEDED' || last.progress.succeeded !== 2 * cases) throw new Error(`job run failed: ${JSON.stringify(last)}`);
  const unfinished = watched.filter((w) => !w.last.includes('SUCCEEDED'));
  if (unfinished.length) throw new Error(`${unfinished.length} of ${subscribers} subscribers did not hear SUCCEEDED last: ${unfinished[0].last}`);
  return {
    seconds,
    p99: probes[Math.floor(probes.length * 0.99)] ?? NaN,
    cpu: cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system,
    events: watched.length ? Math.min(...watched.map((w) => w.events)) : 0,
  };
}

/**
 * The gateway's RSS and heap in use, in MB, after a full garbage collection (SIGUSR2,
 * gc-on-signal.cjs, which writes the heap figure to a file) has had time to run.
 */
async function memoryAfterGc(gateway: { pid: number; signal(name: NodeJS.Signals): void }): Promise<{ rss: number; heap: number }> {
  const file = path.join(os.tmpdir(), `gateway-heap-after-gc.${gateway.pid}.json`);
  rmSync(file, { force: true });
  gateway.signal('SIGUSR2');
  await new Promise((r) => setTimeout(r, 1000));
  const heap = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number }).heapUsed : NaN;
  rmSync(file, { force: true });
  return { rss: (rssOf(gateway.pid)?.rss ?? NaN) / 1024 / 1024, heap: heap / 1024 / 1024 };
}

export async function runJobs(): Promise<void> {
  const sandbox = await startChild<{ encodeUrl: string; gdcUrl: string; gdcToken: string }>('sandbox-child.ts', REAL_SCHEMAS);
  // BENCH_NODE_FLAGS: e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile the gateway during the runs.
  // The gateway child inherits this process's environment: its full GCs report the heap (memoryAfterGc).
  process.env.GATEWAY_HEAP_AFTER_GC = '1';
  const flags = [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--expose-gc', '--require', path.join(__dirname, 'support', 'gc-on-signal.cjs')];
  const gateway = await startGatewayChild(
    { encodeUrl: sandbox.info.encodeUrl, gdcUrl: sandbox.info.gdcUrl, sandbox: { encode: true, gdc: true }, defaults: { gdcToken: sandbox.info.gdcToken } },
    flags,
  );
  const url = gateway.info.graphqlUrl;
  try {
    // Untimed: the sandbox's store slows most while it is nearly empty (4,000 rows: 7 s for the first
    // synchronous run, 12 s for the next), so without this the first run would favour the synchronous side.
    await sync(url, 'JW');
    const s1 = await sync(url, 'JS1');
    const j1 = await job(url, 'JJ1', gateway.pid, CASES);
    const full = await memoryAfterGc(gateway);
    const j2 = await job(url, 'JJ2', gateway.pid, CASES, SUBSCRIBERS);
    const s2 = await sync(url, 'JS2');
    // After the timed runs (which alternate, so the sandbox's growing store favours neither): RSS
    // once a job of N/4 rows has ended, against once the job of N rows had.
    await job(url, 'JJ0', gateway.pid, Math.floor(CASES / 4));
    const quarter = await memoryAfterGc(gateway);
    const jobs = (j1.seconds + j2.seconds) / 2;
    const syncs = (s1 + s2) / 2;
    console.log(
      `GDC job, ${2 * CASES} rows in chunks of ${CHUNK}: job ${jobs.toFixed(1)} s (${j1.seconds.toFixed(1)}, ${j2.seconds.toFixed(1)}) vs ` +
        `synchronous createEntities ${syncs.toFixed(1)} s (${s1.toFixed(1)}, ${s2.toFixed(1)}): ${(jobs / syncs).toFixed(2)}x (goal <= 1.05x); ` +
        `another caller meanwhile: p99 ${Math.max(j1.p99, j2.p99).toFixed(1)} ms (${j1.p99.toFixed(1)}, ${j2.p99.toFixed(1)}) (goal < 50 ms)`,
    );
    const signed = (mb: number) => `${mb >= 0 ? '+' : ''}${mb.toFixed(0)} MB`;
    console.log(
      `GDC job gateway memory after a full GC, after a job of ${2 * CASES} rows vs one of ${2 * Math.floor(CASES / 4)} rows: ` +
        `heap ${full.heap.toFixed(0)} vs ${quarter.heap.toFixed(0)} MB (${signed(full.heap - quarter.heap)}), RSS ${full.rss.toFixed(0)} vs ${quarter.rss.toFixed(0)} MB (${signed(full.rss - quarter.rss)}) ` +
        `(goal: no growth with rows)`,
    );
    // CPU per second of each run, not CPU per run: most of the gateway's CPU during a job is other
    // callers' (the prober, this bench's polling), which grows with the run's length, not with its rows.
    const share = (j2.cpu / j2.seconds - j1.cpu / j1.seconds) * 100;
    console.log(
      `GDC job watched by ${SUBSCRIBERS} SSE subscribers (>= ${j2.events} events each): gateway CPU ${j2.cpu.toFixed(1)} s over ${j2.seconds.toFixed(1)} s vs ` +
        `${j1.cpu.toFixed(1)} s over ${j1.seconds.toFixed(1)} s unwatched: ${share.toFixed(1)}% of one core (goal < 5%)`,
    );
  } finally {
    await gateway.stop();
    await sandbox.stop();
  }
}
