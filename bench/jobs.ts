/**
 * Issue 16: a 20,000-row GDC submission (10,000 cases and a sample for each, children first in
 * the file) as a job (startCreateEntities, watched until SUCCEEDED) against the synchronous
 * createEntities on the same kind of file with the same chunkSize (the job default, 1000), in the
 * same run against the sandbox in its own process. Runs alternate (sync, job, job, sync) so a
 * store that grows favours neither. Another caller's p99 during the job runs shows its cost to others.
 */
import { performance } from 'node:perf_hooks';
import { FormData, request } from 'undici';
import { CREATE } from '../test/support/gdc';
import { startProber } from '../test/support/prober';
import { REAL_SCHEMAS } from '../test/support/stack';
import { JOB, START_CREATE } from '../test/support/jobs';
import { startChild } from './support/child';

// BENCH_JOB_ROWS: fewer rows for a quick look (the sandbox slows as its store grows, so 4 x 20,000 rows take many minutes).
const CASES = Math.floor(Number(process.env.BENCH_JOB_ROWS ?? 20_000) / 2);
const CHUNK = 1000;
const HEADER = 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\tcases.submitter_id\ttissue_type\tpreservation_method\tspecimen_type\ttumor_descriptor';
const caseRow = (id: string) => `case\t${id}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue\t\t\t\t\t`;
const sampleRow = (id: string, c: string) => `sample\t${id}\t\t\t\t${c}\tTumor\tFresh\tWhole Bone Marrow\tPrimary`;

function file(prefix: string): Buffer {
  const cases: string[] = [];
  const samples: string[] = [];
  for (let i = 0; i < CASES; i++) {
    cases.push(caseRow(`${prefix}-C${i}`));
    samples.push(sampleRow(`${prefix}-S${i}`, `${prefix}-C${i}`));
  }
  return Buffer.from([HEADER, ...samples, ...cases].join('\n'));
}

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
  const bytes = file(prefix);
  const started = performance.now();
  const res = await postFile(graphqlUrl, CREATE, bytes, prefix);
  const r = res.data?.createEntities;
  if (!r?.success || r.createdCount !== 2 * CASES) throw new Error(`synchronous run failed: ${JSON.stringify(res.errors ?? r?.message)}`);
  return (performance.now() - started) / 1000;
}

async function job(graphqlUrl: string, prefix: string): Promise<{ seconds: number; p99: number }> {
  const bytes = file(prefix);
  const prober = startProber(graphqlUrl, 20);
  const started = performance.now();
  const res = await postFile(graphqlUrl, START_CREATE, bytes, prefix);
  const id = res.data?.startCreateEntities?.id;
  if (!id) throw new Error(`job did not start: ${JSON.stringify(res.errors)}`);
  let state = '';
  let last: any = null;
  while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state)) {
    await new Promise((r) => setTimeout(r, 50));
    const answer = await request(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: JOB, variables: { id } }) });
    last = ((await answer.body.json()) as { data: any }).data.job;
    state = last.state;
  }
  const seconds = (performance.now() - started) / 1000;
  const probes = (await prober.stop()).map((p) => p.ms).sort((a, b) => a - b);
  if (state !== 'SUCCEEDED' || last.progress.succeeded !== 2 * CASES) throw new Error(`job run failed: ${JSON.stringify(last)}`);
  return { seconds, p99: probes[Math.floor(probes.length * 0.99)] ?? NaN };
}

export async function runJobs(): Promise<void> {
  const sandbox = await startChild<{ encodeUrl: string; gdcUrl: string; gdcToken: string }>('sandbox-child.ts', REAL_SCHEMAS);
  const gateway = await startChild<{ graphqlUrl: string }>('gateway-child.ts', {
    encodeUrl: sandbox.info.encodeUrl,
    gdcUrl: sandbox.info.gdcUrl,
    sandbox: { encode: true, gdc: true },
    defaults: { gdcToken: sandbox.info.gdcToken },
  });
  try {
    const s1 = await sync(gateway.info.graphqlUrl, 'JS1');
    const j1 = await job(gateway.info.graphqlUrl, 'JJ1');
    const j2 = await job(gateway.info.graphqlUrl, 'JJ2');
    const s2 = await sync(gateway.info.graphqlUrl, 'JS2');
    const jobs = (j1.seconds + j2.seconds) / 2;
    const syncs = (s1 + s2) / 2;
    console.log(
      `GDC job, ${2 * CASES} rows in chunks of ${CHUNK}: job ${jobs.toFixed(1)} s (${j1.seconds.toFixed(1)}, ${j2.seconds.toFixed(1)}) vs ` +
        `synchronous createEntities ${syncs.toFixed(1)} s (${s1.toFixed(1)}, ${s2.toFixed(1)}): ${(jobs / syncs).toFixed(2)}x (goal <= 1.05x); ` +
        `another caller meanwhile: p99 ${Math.max(j1.p99, j2.p99).toFixed(1)} ms (goal < 50 ms)`,
    );
  } finally {
    await gateway.stop();
    await sandbox.stop();
  }
}
