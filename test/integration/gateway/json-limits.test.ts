import { gzipSync } from 'node:zlib';
import { FormData, request } from 'undici';
import { startStack, type Stack } from '../../support/stack';

/**
 * JSON shape limits (issue 18) over real HTTP: every refusal is 400 LIMIT_EXCEEDED naming the
 * setting, on the query fast path, on the Apollo path (a gzipped body is read by express) and for
 * multipart operations; id lists beyond what MAX_UPSTREAM_CALLS can serve are refused unsent.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({}, { maxUpstreamCalls: 2, limits: { jsonKeys: 30, jsonNodes: 5_000, jsonStringLength: 2_000, listItems: 1_000 } });
});
afterAll(() => stack.stop());
beforeEach(() => {
  stack.sandbox.encode!.requests.reset();
  stack.sandbox.gdc!.requests.reset();
});
const upstreamRequests = () => stack.sandbox.encode!.requests.entries.length + stack.sandbox.gdc!.requests.entries.length;

const RECORDS = 'query R($ids: [ID!]!) { encodeRecords(ids: $ids) }';
const ENTITIES = 'query E($project: String!, $ids: [ID!]!) { gdcEntities(project: $project, ids: $ids) }';
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function post(body: string | Buffer | FormData, headers: Record<string, string> = {}) {
  const res = await request(stack.gateway.graphqlUrl, {
    method: 'POST',
    body,
    headers: typeof body === 'string' || Buffer.isBuffer(body) ? { 'content-type': 'application/json', ...headers } : headers,
  });
  const json = (await res.body.json()) as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };
  return { status: res.statusCode, ...json };
}

function expectLimit(res: Awaited<ReturnType<typeof post>>, limit: string, status = 400) {
  expect(res.status).toBe(status);
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit });
  expect(res.errors![0].message).toContain(limit);
  expect(upstreamRequests()).toBe(0);
}

const withKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

describe.each([
  ['the query fast path', (body: string) => post(body)],
  ['the Apollo path (gzipped body)', (body: string) => post(gzipSync(body), { 'content-encoding': 'gzip' })],
])('request bodies on %s', (_path, send) => {
  it('refuses an object with more keys than MAX_JSON_KEYS, and accepts one at it', async () => {
    const query = 'query Q($e: JSON) { gdcEntities(project: "GDC-INTERNAL", ids: []) e: gatewayInfo { version } }';
    expectLimit(await send(JSON.stringify({ query, variables: { e: withKeys(31) } })), 'MAX_JSON_KEYS');
    const ok = await send(JSON.stringify({ query: '{ gatewayInfo { version } }', variables: { e: withKeys(30) } }));
    expect(ok.status).toBe(200);
    expect(ok.data.gatewayInfo.version).toEqual(expect.any(String));
  });

  it('refuses a list longer than MAX_LIST_ITEMS while parsing, before any upstream call', async () => {
    const ids = Array.from({ length: 1_001 }, (_, i) => `ENCBS${String(i).padStart(6, '0')}`);
    const res = await send(JSON.stringify({ query: RECORDS, variables: { ids } }));
    expectLimit(res, 'MAX_LIST_ITEMS');
    expect(res.errors![0].message).toBe('A list in the JSON has more than 1000 items at $.variables.ids[1000] (MAX_LIST_ITEMS=1000)');
  });

  it('refuses MAX_JSON_NODES and MAX_JSON_STRING_LENGTH', async () => {
    const nodes = Array.from({ length: 900 }, () => [1, 2, 3, 4, 5]);
    expectLimit(await send(JSON.stringify({ query: '{ gatewayInfo { version } }', variables: { nodes } })), 'MAX_JSON_NODES');
    expectLimit(await send(JSON.stringify({ query: '{ gatewayInfo { version } }', variables: { s: 'x'.repeat(2_001) } })), 'MAX_JSON_STRING_LENGTH');
  });

  it('refuses duplicate keys as a malformed body, naming the key', async () => {
    const res = await send('{"query": "{ gatewayInfo { version } }", "variables": {"a": 1, "a": 2}}');
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions.code).toBe('BAD_REQUEST');
    expect(res.errors![0].message).toMatch(/Duplicate key "a" at position \d+/);
  });
});

describe('multipart operations (read by graphql-upload-minimal)', () => {
  it('are held to MAX_LIST_ITEMS too', async () => {
    const form = new FormData();
    const ids = Array.from({ length: 1_001 }, (_, i) => `ENCBS${String(i).padStart(6, '0')}`);
    form.append('operations', JSON.stringify({ query: RECORDS, variables: { ids, file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob(['x']), 'x.txt');
    expectLimit(await post(form, { 'apollo-require-preflight': 'true' }), 'MAX_LIST_ITEMS');
  });
});

describe('id lists beyond what MAX_UPSTREAM_CALLS can serve', () => {
  it('gdcEntities: 301 distinct ids need 3 GETs of 150, more than 2: refused before any is sent', async () => {
    const res = await post(JSON.stringify({ query: ENTITIES, variables: { project: 'GDC-INTERNAL', ids: Array.from({ length: 301 }, (_, i) => uuid(i)) } }));
    expect(res.status).toBe(200);
    expectLimit(res, 'MAX_UPSTREAM_CALLS', 200);
    expect(res.errors![0].message).toMatch(/^gdcEntities with 301 ids needs at least 3 upstream calls, more than the 2 this operation has left/);
    // 300 ids are 2 GETs: served.
    const served = await post(JSON.stringify({ query: ENTITIES, variables: { project: 'GDC-INTERNAL', ids: Array.from({ length: 300 }, (_, i) => uuid(i)) } }));
    expect(served.errors).toBeUndefined();
    expect(served.data.gdcEntities).toHaveLength(300);
  });

  it('encodeRecords: uuids for more searches than the cap allows are refused unsent', async () => {
    // A search URL holds about 140 uuids (6,000 characters): 1,000 need 8 searches.
    const res = await post(JSON.stringify({ query: RECORDS, variables: { ids: Array.from({ length: 1_000 }, (_, i) => uuid(i)) } }));
    expectLimit(res, 'MAX_UPSTREAM_CALLS', 200);
    expect(res.errors![0].message).toMatch(/^encodeRecords with 1000 ids needs at least 8 upstream calls/);
  });
});
