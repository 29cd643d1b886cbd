import { request } from 'undici';
import { post, PROJECT, startSupergraph, type Supergraph } from '../support/supergraph';

// Issue 15: the gateway, the lab-inventory example and Hive Gateway as three processes on the
// composed supergraph; upstream requests counted at the sandbox (in this process), requests to each
// subgraph counted in its own log. The gateway has no credentials of its own: every read and write
// below works only because the router forwards the caller's headers.
let graph: Supergraph;
let sandbox: Supergraph['sandbox'];
let biosamples: Supergraph['biosamples'];
let aliquots: string[];
let caller: Record<string, string>;

function ok<T>(res: { data: T; errors?: unknown[] }): T {
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

const gatewayPosts = () => graph.gateway.logs.filter((l) => l.msg.startsWith('POST /graphql ')).length;
const labRequests = () => graph.lab.logs.filter((l) => l.msg === 'request').length;

beforeAll(async () => {
  graph = await startSupergraph();
  ({ sandbox, biosamples, aliquots, caller } = graph);
}, 240_000);
afterAll(() => graph?.stop());

function resetCounts() {
  sandbox.encode!.requests.reset();
  sandbox.gdc!.requests.reset();
  return { gateway: gatewayPosts(), lab: labRequests() };
}

/** What a query through the router cost: requests to each subgraph, and upstream at the sandbox. */
async function through(query: string, variables: Record<string, unknown> = {}, headers = caller) {
  const before = resetCounts();
  const res = await post(graph.routerUrl, query, variables, headers);
  // Access lines are written when the answer is sent: wait for them to be read.
  await new Promise((r) => setTimeout(r, 200));
  return {
    res,
    gateway: gatewayPosts() - before.gateway,
    lab: labRequests() - before.lab,
    encode: sandbox.encode!.requests.entries.map((e) => e.path),
    gdc: sandbox.gdc!.requests.entries.map((e) => e.path),
  };
}

describe('the gateway in a supergraph under Hive Gateway', () => {
  it('freezers → 100 biosamples → lab and organism: one _entities call, one upstream request per level', async () => {
    const got = await through('{ freezers { name samples { accession lab { name } organism { scientific_name } } } }');
    const freezers = ok(got.res).freezers;
    expect(freezers.map((f: any) => f.samples.length)).toEqual([50, 50]);
    expect(freezers[0].samples[0]).toEqual({ accession: biosamples[0].accession, lab: { name: 'sandbox-lab' }, organism: { scientific_name: expect.any(String) } });
    expect(freezers.flatMap((f: any) => f.samples.map((s: any) => s.accession))).toEqual(biosamples.map((b) => b.accession));
    expect(got.lab).toBe(1);
    expect(got.gateway).toBe(1);
    // Level 1: the biosamples, one search of OR-ed uuids; level 2: their lab and organism together.
    expect(got.encode).toEqual(['/search/', '/search/']);
  });

  it('encode { biosamples } with each one freezer: one call to lab-inventory', async () => {
    const got = await through('{ encode { biosamples(limit: 100) { accession freezer { name } } } }');
    const list = ok(got.res).encode.biosamples;
    expect(list).toHaveLength(100);
    const byAccession = new Map(list.map((b: any) => [b.accession, b.freezer?.name]));
    expect(byAccession.get(biosamples[0].accession)).toBe('Freezer A');
    expect(byAccession.get(biosamples[99].accession)).toBe('Freezer B');
    expect(got.lab).toBe(1);
    expect(got.gateway).toBe(1);
  });

  it('a GDC aliquot joined by project_id and submitter_id', async () => {
    const got = await through(`{ gdc(project: "${PROJECT}") { aliquot(submitter_id: ["${aliquots[0]}", "${aliquots[1]}"], order_by_asc: "submitter_id") { submitter_id shippedOn } } }`);
    expect(ok(got.res).gdc.aliquot).toEqual([
      { submitter_id: aliquots[0], shippedOn: '2026-11-30' },
      { submitter_id: aliquots[1], shippedOn: null },
    ]);
    expect(got.lab).toBe(1);
    expect(got.gdc).toEqual(['/v0/submission/graphql']);
  });

  it('a mutation through the router runs with the caller ENCODE keys, and without them is refused before any upstream call', async () => {
    const mutation = `mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e }) { success entities { accession errors { message } } } }`;
    const record = (alias: string) => [{ award: 'UM1HG000000', lab: 'sandbox-lab', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: [alias] }];
    const withKeys = await through(mutation, { e: record('sandbox-lab:via-router') });
    const created = ok(withKeys.res).createEntities;
    expect(created.success).toBe(true);
    expect(withKeys.gateway).toBe(1);
    expect(withKeys.encode).toContain('/biosamples/');
    // The record is there, read back from the portal with the same keys.
    const { key, secret } = sandbox.encode!.credentials;
    const back = await request(`${sandbox.encode!.url}/biosamples/${created.entities[0].accession}/?format=json`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`, accept: 'application/json' },
    });
    expect(back.statusCode).toBe(200);
    expect(((await back.body.json()) as { aliases: string[] }).aliases).toEqual(['sandbox-lab:via-router']);

    const without = await through(mutation, { e: record('sandbox-lab:no-keys') }, {});
    // Hive Router's runtime (examples/supergraph/gateway.config.ts) leaves `data` out; the default runtime sends null.
    expect(without.res.data ?? null).toBeNull();
    expect(without.res.errors).toEqual([expect.objectContaining({ path: ['createEntities'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', upstream: 'ENCODE' }) })]);
    expect(without.encode).toEqual([]);
  });
});
