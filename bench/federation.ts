/**
 * Federation (issue 15), against baselines measured in the same run:
 * 1. `_entities` with 100 EncodeBiosample representations: 1 upstream request; p50 against the same
 *    lookup through `encodeRecords` (target: <= 1.2x). In one process (client, gateway, sandbox).
 *    The two are interleaved in rounds after a warm-up: the ratio of the pooled p50s is the figure,
 *    each round's own ratio shows how far one shorter run could have put it.
 * 2. Through Hive Gateway on the example supergraph, `freezers { name samples { accession lab { name }
 *    organism { scientific_name } } }` over 100 biosamples. The router's own time per request is its
 *    latency minus the time that request's subgraph calls took as the router waited on them
 *    (`x-subgraph-ms`, from bench/support/timed-gateway.config.ts: the example config plus a timing
 *    plugin), target <= 2 ms at p50. Beside it, as before, the latency against the two subgraphs'
 *    own work asked directly (lab-inventory's `freezers`, then the gateway's `_entities`), interleaved
 *    round by round: a separate run of the subgraphs, whose times on a shared machine move by more
 *    than 2 ms between runs. Both Hive Gateway runtimes: Hive Router's (the example's config) and the
 *    default one; each router's CPU per request beside its latency, the steadier figure.
 */
import path from 'node:path';
import { request } from 'undici';
import { createBiosamples } from '../test/support/federation';
import { ROOT } from '../test/support/process';
import { startStack } from '../test/support/stack';
import { type HiveGateway, post, startSupergraph } from '../test/support/supergraph';
import { BUILT_SERVER, START_NODE_FLAGS } from './support/built';
import { processCpuMs } from './support/cpu';
import { SUBGRAPH_MS_HEADER } from './support/timed-gateway.config';
import { interleavedMs, percentile } from './support/timing';

/** Rounds of interleaved `_entities` and `encodeRecords` calls, and calls of each per round. */
const RATIO_ROUNDS = 6;
const PER_ROUND = 20;
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

function must<T extends { errors?: unknown[] }>(res: T): T {
  if (res.errors?.length) throw new Error(`bench: ${JSON.stringify(res.errors)}`);
  return res;
}

async function entitiesAgainstEncodeRecords(): Promise<void> {
  const stack = await startStack({});
  try {
    const biosamples = await createBiosamples((q, v) => stack.gql(q, v), 100, `bench-fed-${Date.now()}`);
    const reps = biosamples.map((b) => ({ __typename: 'EncodeBiosample', id: b.id }));
    const ids = biosamples.map((b) => b.id);
    const entities = () => stack.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on EncodeBiosample { id accession } } }`, { r: reps }).then(must);
    const records = () => stack.gql(`query($ids: [ID!]!) { encodeRecords(ids: $ids) }`, { ids }).then(must);
    stack.sandbox.encode!.requests.reset();
    await entities();
    const upstream = stack.sandbox.encode!.requests.entries.length;
    // Warm-up beyond the one call above: JIT, the loader's and the sandbox's code paths, sockets.
    await interleavedMs(5, { entities, records });
    const pooled = { entities: [] as number[], records: [] as number[] };
    const ratios: number[] = [];
    for (let round = 0; round < RATIO_ROUNDS; round++) {
      const t = await interleavedMs(PER_ROUND, { entities, records });
      ratios.push(percentile(t.entities, 0.5) / percentile(t.records, 0.5));
      pooled.entities.push(...t.entities);
      pooled.records.push(...t.records);
    }
    const viaEntities = percentile(pooled.entities.sort((x, y) => x - y), 0.5);
    const viaRecords = percentile(pooled.records.sort((x, y) => x - y), 0.5);
    const ratio = viaEntities / viaRecords;
    const spread = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`;
    console.log(`federation: _entities of 100 biosamples: ${upstream} upstream request(s) (target 1) ${verdict(upstream === 1)}`);
    console.log(`federation: _entities p50 ${viaEntities.toFixed(2)} ms vs encodeRecords ${viaRecords.toFixed(2)} ms, interleaved, ${RATIO_ROUNDS}x${PER_ROUND} calls each: ${ratio.toFixed(2)}x (target <= 1.2x) ${verdict(ratio <= 1.2)}; per round ${spread}`);
  } finally {
    await stack.stop();
  }
}

/** Requests in a row through each router, interleaved with the direct calls they are compared with. */
const ROUTER_ROUNDS = 60;
/** The router's own time is also given as the range of its p50 over blocks of this many rounds. */
const BLOCK = 20;
const TIMED_CONFIG = path.join(ROOT, 'bench', 'support', 'timed-gateway.config.ts');

async function routerOverhead(): Promise<void> {
  // The example's config (plus the timing plugin): Hive Router's runtime; a second router on the default (stitching) runtime.
  const graph = await startSupergraph({ gatewayEntry: BUILT_SERVER, gatewayNodeArgs: START_NODE_FLAGS, router: { config: TIMED_CONFIG } });
  try {
    const routers: Record<string, HiveGateway> = {
      'Hive Router runtime': graph.router,
      'default runtime': await graph.startRouter({ config: TIMED_CONFIG, env: { HIVE_ROUTER_RUNTIME: 'false' } }),
    };
    const query = '{ freezers { name samples { accession lab { name } organism { scientific_name } } } }';
    // What the router sends each subgraph for that query, asked directly one after the other.
    const freezers = `{ freezers { name samples { __typename id } } }`;
    const reps = graph.biosamples.map((b) => ({ __typename: 'EncodeBiosample', id: b.id }));
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on EncodeBiosample { accession lab { name } organism { scientific_name } } } }`;
    const direct = async () => {
      must(await post(graph.labUrl, freezers));
      must(await post(graph.gateway.graphqlUrl, entities, { r: reps }, graph.caller));
    };
    await compare(routers, 'freezers over 100 biosamples', ['the two subgraphs directly', direct], (url) => routed(url, query, graph.caller), true);
    // The router's own floor: a query only lab-inventory answers, routed and direct.
    const small = '{ freezers { name } }';
    await compare(routers, '{ freezers { name } } (one subgraph, no join)', ['lab-inventory directly', () => post(graph.labUrl, small).then(must)], (url) => routed(url, small), false);
  } finally {
    await graph.stop();
  }
}

/** A query through a router: how long its subgraph calls took, as the timing plugin saw them. */
async function routed(url: string, query: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  must((await res.body.json()) as { errors?: unknown[] });
  const subgraphMs = Number(res.headers[SUBGRAPH_MS_HEADER]);
  if (!Number.isFinite(subgraphMs)) throw new Error(`bench: no ${SUBGRAPH_MS_HEADER} from the router (is ${TIMED_CONFIG} its config?)`);
  return subgraphMs;
}

interface Sample {
  ms: number;
  /** Through a router: the part of `ms` its subgraph calls took. */
  subgraphMs: number;
}

/** Each run once per round, the order turning by one each round, after a warm-up round. */
async function interleavedSamples(rounds: number, runs: Record<string, () => Promise<number | void>>): Promise<Record<string, Sample[]>> {
  const names = Object.keys(runs);
  for (const name of names) await runs[name]();
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t = performance.now();
      const subgraphMs = (await runs[name]()) ?? 0;
      samples[name].push({ ms: performance.now() - t, subgraphMs });
    }
  }
  return samples;
}

const p = (values: number[], q: number) => percentile([...values].sort((a, b) => a - b), q);

/**
 * Per router: p50 and p99 of the query, the router's own time in each request (latency minus its
 * subgraph calls), the latency against the same work asked of the subgraphs directly (all runs
 * interleaved round by round), and the router's CPU per request (Linux).
 */
async function compare(routers: Record<string, HiveGateway>, what: string, [baseName, baseline]: [string, () => Promise<unknown>], viaRouter: (url: string) => Promise<number>, target: boolean): Promise<void> {
  const runs: Record<string, () => Promise<number | void>> = { [baseName]: async () => void (await baseline()) };
  for (const [name, router] of Object.entries(routers)) runs[name] = () => viaRouter(router.url);
  const cpuBefore = Object.values(routers).map((r) => processCpuMs(r.pid));
  const samples = await interleavedSamples(ROUTER_ROUNDS, runs);
  const base = samples[baseName].map((s) => s.ms);
  console.log(`federation: ${what}: ${baseName} p50 ${p(base, 0.5).toFixed(2)} ms, p99 ${p(base, 0.99).toFixed(2)} ms`);
  Object.entries(routers).forEach(([name, router], i) => {
    const t = samples[name].map((s) => s.ms);
    const own = samples[name].map((s) => s.ms - s.subgraphMs);
    const subgraphs = samples[name].map((s) => s.subgraphMs);
    const before = cpuBefore[i];
    const after = processCpuMs(router.pid);
    // One warm-up request before the rounds.
    const cpu = before === null || after === null ? '' : `; router CPU ${((after - before) / (ROUTER_ROUNDS + 1)).toFixed(2)} ms/request`;
    const goal = target && name === 'Hive Router runtime' ? ` (target <= 2 ms) ${verdict(p(own, 0.5) <= 2)}` : '';
    const blocks = Array.from({ length: Math.ceil(own.length / BLOCK) }, (_, b) => p(own.slice(b * BLOCK, (b + 1) * BLOCK), 0.5));
    const spread = `per ${BLOCK} rounds ${Math.min(...blocks).toFixed(2)}-${Math.max(...blocks).toFixed(2)} ms`;
    console.log(
      `federation:   through Hive Gateway, ${name}: p50 ${p(t, 0.5).toFixed(2)} ms, p99 ${p(t, 0.99).toFixed(2)} ms; ` +
        `over its subgraph calls (p50 ${p(subgraphs, 0.5).toFixed(2)} ms) in the same request: p50 +${p(own, 0.5).toFixed(2)} ms${goal} (${spread}), p99 +${p(own, 0.99).toFixed(2)} ms; ` +
        `over the subgraphs asked directly: p50 +${(p(t, 0.5) - p(base, 0.5)).toFixed(2)} ms, p99 +${(p(t, 0.99) - p(base, 0.99)).toFixed(2)} ms${cpu}`,
    );
  });
}

export async function runFederation(): Promise<void> {
  await entitiesAgainstEncodeRecords();
  await routerOverhead();
}
