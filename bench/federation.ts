/**
 * Federation (issue 15), against baselines measured in the same run:
 * 1. `_entities` with 100 EncodeBiosample representations: 1 upstream request; p50 against the same
 *    lookup through `encodeRecords` (target: <= 1.2x). In one process (client, gateway, sandbox).
 * 2. Through Hive Gateway on the example supergraph, `freezers { name samples { accession lab { name }
 *    organism { scientific_name } } }` over 100 biosamples: p50 and p99 against the two subgraphs' own
 *    times for the same work (lab-inventory's `freezers`, then the gateway's `_entities` the router
 *    sends), asked directly, interleaved round by round (target: <= 2 ms added at p50). Both Hive
 *    Gateway runtimes: Hive Router's (the example's config) and the default one; each router's CPU per
 *    request beside its latency, the steadier figure on a shared machine.
 */
import { createBiosamples } from '../test/support/federation';
import { startStack } from '../test/support/stack';
import { type HiveGateway, post, startSupergraph } from '../test/support/supergraph';
import { processCpuMs } from './support/cpu';
import { interleavedMs, medianMs, percentile } from './support/timing';

const ROUNDS = 30;
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
    const viaRecords = await medianMs(ROUNDS, records);
    const viaEntities = await medianMs(ROUNDS, entities);
    const ratio = viaEntities / viaRecords;
    console.log(`federation: _entities of 100 biosamples: ${upstream} upstream request(s) (target 1) ${verdict(upstream === 1)}`);
    console.log(`federation: _entities p50 ${viaEntities.toFixed(2)} ms vs encodeRecords ${viaRecords.toFixed(2)} ms: ${ratio.toFixed(2)}x (target <= 1.2x) ${verdict(ratio <= 1.2)}`);
  } finally {
    await stack.stop();
  }
}

/** Requests in a row through each router, interleaved with the direct calls they are compared with. */
const ROUTER_ROUNDS = 60;

async function routerOverhead(): Promise<void> {
  // The example's config: Hive Router's runtime; a second router on the default (stitching) runtime.
  const graph = await startSupergraph();
  try {
    const routers: Record<string, HiveGateway> = {
      'Hive Router runtime': graph.router,
      'default runtime': await graph.startRouter({ env: { HIVE_ROUTER_RUNTIME: 'false' } }),
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
    await compare(routers, 'freezers over 100 biosamples', { 'the two subgraphs directly': direct }, (url) => post(url, query, {}, graph.caller).then(must), true);
    // The router's own floor: a query only lab-inventory answers, routed and direct.
    const small = '{ freezers { name } }';
    await compare(routers, '{ freezers { name } } (one subgraph, no join)', { 'lab-inventory directly': () => post(graph.labUrl, small).then(must) }, (url) => post(url, small).then(must), false);
  } finally {
    await graph.stop();
  }
}

/**
 * p50 and p99 of a query through each router against the same work asked of the subgraphs directly,
 * all interleaved round by round, and each router's CPU per request (Linux).
 */
async function compare(routers: Record<string, HiveGateway>, what: string, baseline: Record<string, () => Promise<unknown>>, viaRouter: (url: string) => Promise<unknown>, target: boolean): Promise<void> {
  const [baseName] = Object.keys(baseline);
  const runs: Record<string, () => Promise<unknown>> = { ...baseline };
  for (const [name, router] of Object.entries(routers)) runs[name] = () => viaRouter(router.url);
  const cpuBefore = Object.values(routers).map((r) => processCpuMs(r.pid));
  const times = await interleavedMs(ROUTER_ROUNDS, runs);
  const base = times[baseName];
  console.log(`federation: ${what}: ${baseName} p50 ${percentile(base, 0.5).toFixed(2)} ms, p99 ${percentile(base, 0.99).toFixed(2)} ms`);
  Object.entries(routers).forEach(([name, router], i) => {
    const t = times[name];
    const added = percentile(t, 0.5) - percentile(base, 0.5);
    const addedP99 = percentile(t, 0.99) - percentile(base, 0.99);
    const before = cpuBefore[i];
    const after = processCpuMs(router.pid);
    // One warm-up request before the rounds.
    const cpu = before === null || after === null ? '' : `; router CPU ${((after - before) / (ROUTER_ROUNDS + 1)).toFixed(2)} ms/request`;
    const goal = target && name === 'Hive Router runtime' ? ` (target <= 2 ms) ${verdict(added <= 2)}` : '';
    console.log(`federation:   through Hive Gateway, ${name}: p50 ${percentile(t, 0.5).toFixed(2)} ms (+${added.toFixed(2)} ms)${goal}, p99 ${percentile(t, 0.99).toFixed(2)} ms (+${addedP99.toFixed(2)} ms)${cpu}`);
  });
}

export async function runFederation(): Promise<void> {
  await entitiesAgainstEncodeRecords();
  await routerOverhead();
}
