/**
 * Federation (issue 15), against baselines measured in the same run:
 * 1. `_entities` with 100 EncodeBiosample representations: 1 upstream request; p50 against the same
 *    lookup through `encodeRecords` (target: <= 1.2x). In one process (client, gateway, sandbox).
 * 2. Through Hive Gateway on the example supergraph, `freezers { name samples { accession lab { name }
 *    organism { scientific_name } } }` over 100 biosamples: p50 against the two subgraphs' own times
 *    for the same work (lab-inventory's `freezers`, then the gateway's `_entities` the router sends),
 *    asked directly (target: <= 2 ms added).
 */
import { createBiosamples } from '../test/support/federation';
import { startStack } from '../test/support/stack';
import { post, startSupergraph } from '../test/support/supergraph';
import { medianMs } from './support/timing';

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

async function routerOverhead(): Promise<void> {
  const graph = await startSupergraph();
  try {
    const query = '{ freezers { name samples { accession lab { name } organism { scientific_name } } } }';
    const viaRouter = () => post(graph.routerUrl, query, {}, graph.caller).then(must);
    // What the router sends each subgraph for that query, asked directly one after the other.
    const freezers = `{ freezers { name samples { __typename id } } }`;
    const reps = graph.biosamples.map((b) => ({ __typename: 'EncodeBiosample', id: b.id }));
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on EncodeBiosample { accession lab { name } organism { scientific_name } } } }`;
    const direct = async () => {
      must(await post(graph.labUrl, freezers));
      must(await post(graph.gateway.graphqlUrl, entities, { r: reps }, graph.caller));
    };
    const subgraphs = await medianMs(ROUNDS, direct);
    const routed = await medianMs(ROUNDS, viaRouter);
    const added = routed - subgraphs;
    // The router's own floor: a query only lab-inventory answers, routed and direct.
    const floor = (await medianMs(ROUNDS, () => post(graph.routerUrl, '{ freezers { name } }').then(must))) - (await medianMs(ROUNDS, () => post(graph.labUrl, '{ freezers { name } }').then(must)));
    console.log(`federation: Hive Gateway's own cost on { freezers { name } } (one subgraph, no join): +${floor.toFixed(2)} ms`);
    console.log(`federation: freezers through Hive Gateway p50 ${routed.toFixed(2)} ms vs the two subgraphs directly ${subgraphs.toFixed(2)} ms: +${added.toFixed(2)} ms (target <= 2 ms) ${verdict(added <= 2)}`);
  } finally {
    await graph.stop();
  }
}

export async function runFederation(): Promise<void> {
  await entitiesAgainstEncodeRecords();
  await routerOverhead();
}
