import { parse } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import { request } from 'undici';
import { createAliquots, createBiosamples } from '../../support/federation';
import { ok, startStack, type Stack } from '../../support/stack';

// The served schema as a Federation 2 subgraph (issue 15): its SDL, keys, and `_entities` through
// the per-request loaders, on the starter schemas.
let stack: Stack;
let biosamples: { id: string; accession: string }[];
let aliquots: string[];
const PROJECT = 'GDC-INTERNAL';

beforeAll(async () => {
  stack = await startStack({});
  const gql = (q: string, v?: Record<string, unknown>) => stack.gql(q, v);
  biosamples = await createBiosamples(gql, 100, 'fed');
  aliquots = await createAliquots(gql, PROJECT, 4);
}, 120_000);
afterAll(() => stack?.stop());

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename
  ... on EncodeBiosample { id accession lab { name } }
  ... on GdcAliquot { id project_id submitter_id samples { submitter_id } } } }`;

function upstream() {
  const encode = stack.sandbox.encode!.requests.entries.map((e) => ({ path: e.path, params: new URLSearchParams(e.query) }));
  const gdc = stack.sandbox.gdc!.requests.entries.map((e) => e.path);
  return { encode, gdc };
}
function resetUpstream() {
  stack.sandbox.encode!.requests.reset();
  stack.sandbox.gdc!.requests.reset();
}

describe('subgraph SDL', () => {
  it('is served by _service and GET /subgraph.graphql alike, with the federation link and every key', async () => {
    const sdl: string = ok(await stack.gql('{ _service { sdl } }'))._service.sdl;
    const file = await request(stack.gateway.url + '/subgraph.graphql');
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/plain/);
    const version = ok(await stack.gql('{ gatewayInfo { schemaVersion { id } } }')).gatewayInfo.schemaVersion.id;
    expect(file.headers['schema-version']).toBe(version);
    expect(await file.body.text()).toBe(sdl);

    expect(sdl.startsWith('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@inaccessible"])')).toBe(true);
    expect(sdl).toMatch(/^type EncodeBiosample implements [^{]*@key\(fields: "id"\) @key\(fields: "accession"\) \{/m);
    // A profile without accessions has the uuid key only.
    expect(sdl).toMatch(/^type EncodeLab implements [^{]*@key\(fields: "id"\) \{/m);
    expect(sdl).toMatch(/^type GdcAliquot implements GdcEntity & Node @key\(fields: "id"\) @key\(fields: "project_id submitter_id"\) \{/m);
    expect(sdl).toMatch(/^type SubmissionResult @shareable \{/m);
    // The machinery is not part of the SDL a router composes.
    for (const name of ['_entities', '_service', '_Any', '_Entity', 'directive @key']) expect(sdl).not.toContain(name);

    const again = await request(stack.gateway.url + '/subgraph.graphql', { headers: { 'if-none-match': `"${version}"` } });
    expect(again.statusCode).toBe(304);
    await again.body.dump();
  });
});

describe('_entities', () => {
  it('answers 100 biosamples by uuid with one search, and their labs with one more request', async () => {
    resetUpstream();
    const reps = biosamples.map((b) => ({ __typename: 'EncodeBiosample', id: b.id }));
    const res = await stack.gql(ENTITIES, { r: reps });
    const got = ok(res)._entities;
    expect(got).toEqual(biosamples.map((b) => ({ __typename: 'EncodeBiosample', id: b.id, accession: b.accession, lab: { name: 'sandbox-lab' } })));
    const { encode } = upstream();
    expect(encode.map((e) => e.path)).toEqual(['/search/', '/labs/sandbox-lab/']);
    expect(encode[0].params.getAll('uuid').sort()).toEqual(biosamples.map((b) => b.id).sort());
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 2, GDC: 0 });
  });

  it('puts null in place of what matches nothing, and answers by accession', async () => {
    resetUpstream();
    const [a, b] = biosamples;
    const lab = ok(await stack.gql('{ encode { lab(id: "sandbox-lab") { id } } }')).encode.lab.id;
    resetUpstream();
    const reps = [
      { __typename: 'EncodeBiosample', accession: b.accession },
      { __typename: 'EncodeBiosample', id: '00000000-0000-4000-8000-000000000000' },
      // A lab's uuid asked as a biosample is no biosample.
      { __typename: 'EncodeBiosample', id: lab },
      { __typename: 'EncodeBiosample', id: a.id },
    ];
    const got = ok(await stack.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on EncodeBiosample { accession } } }`, { r: reps }))._entities;
    expect(got).toEqual([{ accession: b.accession }, null, null, { accession: a.accession }]);
  });

  it('answers GDC aliquots by project_id and submitter_id, and by id, in one submission GraphQL query', async () => {
    resetUpstream();
    const reps = [
      ...aliquots.slice(0, 3).map((s) => ({ __typename: 'GdcAliquot', project_id: PROJECT, submitter_id: s })),
      { __typename: 'GdcAliquot', project_id: PROJECT, submitter_id: 'no-such-aliquot' },
    ];
    const got = ok(await stack.gql(ENTITIES, { r: reps }))._entities;
    expect(got.map((e: any) => e?.submitter_id ?? null)).toEqual([...aliquots.slice(0, 3), null]);
    expect(got[0]).toEqual({ __typename: 'GdcAliquot', id: expect.any(String), project_id: PROJECT, submitter_id: aliquots[0], samples: [{ submitter_id: `${PROJECT}-fed-case-sample` }] });
    expect(upstream().gdc).toEqual(['/v0/submission/graphql']);

    resetUpstream();
    const byId = ok(await stack.gql(ENTITIES, { r: [{ __typename: 'GdcAliquot', id: got[1].id }, { __typename: 'GdcAliquot', id: got[0].id }] }))._entities;
    expect(byId.map((e: any) => e.submitter_id)).toEqual([aliquots[1], aliquots[0]]);
    expect(upstream().gdc).toEqual(['/v0/submission/graphql']);
  });

  it('answers both upstreams in one call', async () => {
    resetUpstream();
    const reps = [
      { __typename: 'GdcAliquot', project_id: PROJECT, submitter_id: aliquots[3] },
      { __typename: 'EncodeBiosample', id: biosamples[5].id },
    ];
    const got = ok(await stack.gql(ENTITIES, { r: reps }))._entities;
    expect(got.map((e: any) => e.submitter_id ?? e.accession)).toEqual([aliquots[3], biosamples[5].accession]);
    expect(upstream().gdc).toEqual(['/v0/submission/graphql']);
  });

  it.each([
    [{ __typename: 'NoSuchType', id: 'x' }, 'representation 1: "NoSuchType" is not an entity type of this subgraph'],
    [{ __typename: 'GdcAliquot', project_id: 'not a project', submitter_id: 'x' }, /^representation 1: .*not a project/],
    [{ __typename: 'EncodeBiosample', alias: 'x' }, 'representation 1: a representation of EncodeBiosample needs one of its keys: "id" or "accession"'],
    [{ __typename: 'GdcAliquot', submitter_id: 'x' }, 'representation 1: a representation of GdcAliquot needs one of its keys: "id" or "project_id submitter_id"'],
  ])('refuses the whole call, before any upstream request, naming the wrong representation: %j', async (wrong, message) => {
    resetUpstream();
    const res = await stack.gql(ENTITIES, { r: [{ __typename: 'EncodeBiosample', id: biosamples[0].id }, wrong] });
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ path: ['_entities'], message: typeof message === 'string' ? message : expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(upstream()).toEqual({ encode: [], gdc: [] });
  });

  it('refuses more than 100 GDC projects in one call', async () => {
    const reps = Array.from({ length: 101 }, (_, i) => ({ __typename: 'GdcAliquot', project_id: `PROG-P${i}`, submitter_id: 'x' }));
    const res = await stack.gql(ENTITIES, { r: reps });
    expect(res.errors?.[0]?.message).toBe('at most 100 GDC projects in one call (representation 100 names one more)');
  });

  it('applies the caller credentials: a caller without GDC access gets the upstream refusal', async () => {
    const res = await stack.gql(ENTITIES, { r: [{ __typename: 'GdcAliquot', project_id: PROJECT, submitter_id: aliquots[0] }] }, { 'x-auth-token': 'not-a-valid-token' });
    expect(res.data._entities).toEqual([null]);
    expect(res.errors?.[0]).toMatchObject({ path: ['_entities', 0], extensions: { upstream: 'GDC' } });
  });
});

describe('composition', () => {
  it('composes with a subgraph that extends EncodeBiosample and GdcAliquot: 0 errors', async () => {
    const sdl: string = ok(await stack.gql('{ _service { sdl } }'))._service.sdl;
    const lab = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { freezers: [Freezer!]! }
      type Freezer @key(fields: "id") { id: ID! name: String! samples: [EncodeBiosample!]! }
      type EncodeBiosample @key(fields: "id") { id: ID! freezer: Freezer }
      type GdcAliquot @key(fields: "project_id submitter_id") { project_id: String submitter_id: String shippedOn: String }`;
    const result = composeServices([
      { name: 'submission-gateway', typeDefs: parse(sdl), url: 'http://gateway/graphql' },
      { name: 'lab-inventory', typeDefs: parse(lab), url: 'http://lab/graphql' },
    ]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toContain('freezer: Freezer');
  });
});
