/**
 * The typed graph against baselines measured in the same run (issue 10):
 * 1. added latency of `encode { biosample(id) { accession lab { name } } }` over the two upstream
 *    GETs it needs, made directly, at concurrency 1 (target: p50 < 1 ms);
 * 2. throughput of a one-record lookup at 50 connections against the thinnest proxy (a bare
 *    node:http server making the same upstream GET per request), each in its own process
 *    (target: >= 50%);
 * 3. experiments → replicates → libraries → biosamples → donors over 100 experiments: exactly one
 *    upstream request per level, time against the same upstream requests made directly
 *    (target: <= 1.5x).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { EncodeClient } from '../src/datasources/encode/client';
import { UpstreamPool } from '../src/datasources/http';
import { ENCODE_SANDBOX_KEYS } from '../src/sandbox';
import { startStack, type Stack } from '../test/support/stack';
import { type Child, startChild, startGatewayChild } from './support/child';
import { processCpuMs } from './support/cpu';

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

function basicAuth(c: { key: string; secret: string }): string {
  return `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}`;
}

async function gqlOk(stack: Stack, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await stack.gql(query, variables, headers);
  if (res.errors?.length) throw new Error(`bench setup: ${JSON.stringify(res.errors)}`);
  return res;
}

const LAB = { award: 'UM1HG000000', lab: 'sandbox-lab' };

/** One biosample of the starter seed's lab, by accession. */
async function seedBiosample(create: (q: string, v: Record<string, unknown>) => Promise<any>): Promise<string> {
  const res = await create(
    `mutation($r: [EncodeBiosampleInput!]!) { createEncodeBiosamples(records: $r) { success entities { accession errors { message } } } }`,
    { r: [{ ...LAB, organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: [`sandbox-lab:bench-${Date.now()}`] }] },
  );
  const result = res.data.createEncodeBiosamples;
  if (!result.success) throw new Error(`bench setup: ${JSON.stringify(result.entities)}`);
  return result.entities[0].accession;
}

interface Processes {
  sandbox: Child<{ encodeUrl: string; gdcUrl: string; encode: { key: string; secret: string }; gdcToken: string }>;
  gateway: Child<{ graphqlUrl: string }>;
  /** A biosample of the starter seed's lab, made through the gateway's typed mutation. */
  accession: string;
}

/** The sandbox and a gateway in front of it, each in its own process, as they would be deployed. */
async function startProcesses(): Promise<Processes> {
  const sandbox = await startChild<Processes['sandbox']['info']>('sandbox-child.ts', {});
  const s = sandbox.info;
  // BENCH_NODE_FLAGS: e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile the gateway during the runs.
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const gateway = await startGatewayChild({
    encodeUrl: s.encodeUrl,
    gdcUrl: s.gdcUrl,
    sandbox: { encode: true, gdc: true },
    defaults: { encode: s.encode, gdcToken: s.gdcToken },
  }, flags);
  const client = new Pool(new URL(gateway.info.graphqlUrl).origin);
  const accession = await seedBiosample(async (query, variables) => {
    const res = await client.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return res.body.json();
  });
  await client.close();
  return { sandbox, gateway, accession };
}

/**
 * In one process (client, gateway, sandbox): what is measured is the gateway's own work and its
 * extra hop, not how fast a busy machine wakes three processes up.
 */
async function latency(stack: Stack): Promise<void> {
  const accession = await seedBiosample((q, v) => gqlOk(stack, q, v));
  const gateway = new Pool(new URL(stack.gateway.graphqlUrl).origin, { connections: 1 });
  const upstream = new Pool(stack.sandbox.encode!.url, { connections: 1 });
  const authorization = basicAuth(stack.sandbox.encode!.credentials);
  const body = JSON.stringify({ query: `{ encode { biosample(id: "${accession}") { accession lab { name } } } }` });
  const viaGateway = async () => {
    const res = await gateway.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body });
    JSON.parse(await res.body.text());
  };
  // What a client would do without the gateway: the biosample, then its lab.
  const get = async (path: string) => {
    const res = await upstream.request({ method: 'GET', path: `${path}?format=json&frame=object&datastore=database`, headers: { authorization, accept: 'application/json' } });
    return JSON.parse(await res.body.text());
  };
  const direct = async () => {
    const biosample = await get(`/biosamples/${accession}/`);
    await get(biosample.lab);
  };
  const [g, d]: number[][] = [[], []];
  for (let i = 0; i < 500; i++) {
    await viaGateway();
    await direct();
  }
  for (let i = 0; i < 3000; i++) {
    let t = performance.now();
    await viaGateway();
    g.push(performance.now() - t);
    t = performance.now();
    await direct();
    d.push(performance.now() - t);
  }
  await Promise.all([gateway.close(), upstream.close()]);
  const added = p50(g) - p50(d);
  console.log('typed lookup latency, concurrency 1 (3000 requests, interleaved; baseline = the 2 upstream GETs made directly; one process)');
  console.log(`  gateway p50 ${p50(g).toFixed(3)} ms   direct p50 ${p50(d).toFixed(3)} ms   added p50 ${added.toFixed(3)} ms (target < 1 ms) ${verdict(added < 1)}`);
}

async function run(url: string, init: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({ url, connections: 50, duration: 8, ...init });
}

async function throughput(p: Processes): Promise<void> {
  const authorization = basicAuth(p.sandbox.info.encode);
  const proxy = await startChild<{ url: string }>('proxy-child.ts', { upstream: p.sandbox.info.encodeUrl, authorization });
  try {
    const lookup = {
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ encode { biosample(id: "${p.accession}") { accession } } }` }),
    };
    const proxied = `${proxy.info.url}/biosamples/${p.accession}/?format=json&frame=object&datastore=database`;
    await run(proxied, { duration: 2 });
    await run(p.gateway.info.graphqlUrl, { ...lookup, duration: 2 });
    const cpu = () => ({ proxy: processCpuMs(proxy.pid), gateway: processCpuMs(p.gateway.pid), sandbox: processCpuMs(p.sandbox.pid) });
    const c0 = cpu();
    const bare = await run(proxied, {});
    const c1 = cpu();
    const typed = await run(p.gateway.info.graphqlUrl, lookup);
    const c2 = cpu();
    // CPU per request of each process: on a 2-core machine the load generator, the sandbox and the
    // server share the cores, so this says where a lower request rate comes from.
    const per = (a: number | null, b: number | null, n: number) => (a === null || b === null ? 'n/a' : `${(((b - a) * 1000) / n).toFixed(0)} µs`);
    const errors = typed.errors + typed.non2xx + bare.errors + bare.non2xx;
    const ratio = typed.requests.average / bare.requests.average;
    console.log('one-record lookup throughput, 50 connections, 8 s each (gateway, proxy and sandbox each in its own process)');
    console.log(
      `  gateway ${typed.requests.average.toFixed(0)} req/s (p50 ${typed.latency.p50} ms)   bare node:http proxy ${bare.requests.average.toFixed(0)} req/s (p50 ${bare.latency.p50} ms)` +
        `   ratio ${(ratio * 100).toFixed(0)}% (target >= 50%) ${verdict(ratio >= 0.5 && errors === 0)}${errors ? `, ${errors} failed requests` : ''}`,
    );
    console.log(
      `  CPU per request: gateway ${per(c1.gateway, c2.gateway, typed.requests.total)} (sandbox ${per(c1.sandbox, c2.sandbox, typed.requests.total)})   ` +
        `proxy ${per(c0.proxy, c1.proxy, bare.requests.total)} (sandbox ${per(c0.sandbox, c1.sandbox, bare.requests.total)})`,
    );
  } finally {
    await proxy.stop();
  }
}

/** 100 experiments, each with a replicate of a library of a biosample of a donor, through the typed create mutations. */
async function seedExperiments(stack: Stack, n: number): Promise<void> {
  const tag = Date.now();
  const alias = (kind: string, i: number) => `sandbox-lab:bench-${kind}-${tag}-${i}`;
  const create = async (mutation: string, input: string, records: object[], headers: Record<string, string> = {}) => {
    const res = await gqlOk(stack, `mutation($r: [${input}!]!) { ${mutation}(records: $r) { success entities { errors { message } } } }`, { r: records }, headers);
    if (!res.data[mutation].success) throw new Error(`bench setup ${mutation}: ${JSON.stringify(res.data[mutation].entities[0].errors)}`);
  };
  const range = Array.from({ length: n }, (_, i) => i);
  await create('createEncodeHumanDonors', 'EncodeHumanDonorInput', range.map((i) => ({ ...LAB, organism: 'human', aliases: [alias('donor', i)] })));
  await create(
    'createEncodeBiosamples',
    'EncodeBiosampleInput',
    range.map((i) => ({ ...LAB, organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', donor: alias('donor', i), aliases: [alias('biosample', i)] })),
  );
  await create('createEncodeLibraries', 'EncodeLibraryInput', range.map((i) => ({ ...LAB, nucleic_acid_term_name: 'DNA', biosample: alias('biosample', i), aliases: [alias('library', i)] })));
  await create(
    'createEncodeExperiments',
    'EncodeExperimentInput',
    range.map((i) => ({ ...LAB, assay_term_name: 'ChIP-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: [alias('experiment', i)] })),
  );
  await create(
    'createEncodeReplicates',
    'EncodeReplicateInput',
    range.map((i) => ({ experiment: alias('experiment', i), library: alias('library', i), biological_replicate_number: 1, technical_replicate_number: 1, aliases: [alias('replicate', i)] })),
    // Replicates carry no lab of their own: on the sandbox only an admin adds them.
    { 'x-dcc-api-key': ENCODE_SANDBOX_KEYS.admin.id, 'x-dcc-secret-key': ENCODE_SANDBOX_KEYS.admin.secret },
  );
}

async function levels(stack: Stack): Promise<void> {
  const N = 100;
  await seedExperiments(stack, N);
  const query = `{ encode { experiments(limit: ${N}) { accession replicates { uuid library { accession biosample { accession donor { accession } } } } } } }`;
  const log = stack.sandbox.encode!.requests;
  log.reset();
  const first = await gqlOk(stack, query);
  const calls = first.extensions?.upstreamCalls?.ENCODE;
  const logged = log.entries.length;
  const experiments = first.data.encode.experiments;
  const donors = experiments.flatMap((e: any) => e.replicates.map((r: any) => r.library.biosample.donor.accession));

  // The same five upstream requests, made directly one after the other (each level needs the one before).
  const pool = new UpstreamPool('ENCODE', stack.sandbox.encode!.url, { timeoutMs: 60_000 });
  const encode = new EncodeClient(pool, stack.sandbox.encode!.credentials);
  const direct = async () => {
    const exps = (await encode.search({ type: 'Experiment', limit: N, frame: 'object' })).records;
    const reps = (await encode.search({ type: 'Item', limit: 'all', filters: exps.flatMap((e) => (e.replicates as string[]).map((r): [string, string] => ['uuid', r.split('/')[2]])) })).records;
    const libs = (await encode.search({ type: 'Item', limit: 'all', filters: reps.map((r): [string, string] => ['accession', String(r.library).split('/')[2]]) })).records;
    const bios = (await encode.search({ type: 'Item', limit: 'all', filters: libs.map((l): [string, string] => ['accession', String(l.biosample).split('/')[2]]) })).records;
    await encode.search({ type: 'Item', limit: 'all', filters: bios.map((b): [string, string] => ['accession', String(b.donor).split('/')[2]]) });
  };
  const viaGateway = () => gqlOk(stack, query);
  const [g, d]: number[][] = [[], []];
  for (let i = 0; i < 3; i++) await Promise.all([viaGateway(), direct()]);
  for (let i = 0; i < 9; i++) {
    let t = performance.now();
    await viaGateway();
    g.push(performance.now() - t);
    t = performance.now();
    await direct();
    d.push(performance.now() - t);
  }
  await pool.close();
  const ratio = p50(g) / p50(d);
  const exact = calls === 5 && logged === 5;
  console.log(`experiments → replicates → libraries → biosamples → donors over ${experiments.length} experiments (${donors.length} donors; median of 9, interleaved)`);
  console.log(
    `  upstream requests ${calls} (sandbox log ${logged}; 1 per level: ${verdict(exact)})   gateway ${p50(g).toFixed(1)} ms   ` +
      `the same 5 requests made directly ${p50(d).toFixed(1)} ms   ratio ${ratio.toFixed(2)} (target <= 1.5) ${verdict(ratio <= 1.5)}`,
  );
}

export async function runGraph(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'latency' || only === 'levels') {
    const stack = await startStack({});
    try {
      if (!only || only === 'latency') await latency(stack);
      if (!only || only === 'levels') await levels(stack);
    } finally {
      await stack.stop();
    }
  }
  if (only && only !== 'throughput') return;
  const processes = await startProcesses();
  try {
    await throughput(processes);
  } finally {
    await processes.gateway.stop();
    await processes.sandbox.stop();
  }
}
