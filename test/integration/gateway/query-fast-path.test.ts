import { ApolloServer } from '@apollo/server';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { startStack, type Stack } from '../../support/stack';

// Queries POSTed as JSON skip Apollo's pipeline (src/apollo/query-fast-path.ts); the same query
// sent as a GET goes through Apollo. Both must answer alike: status, data, errors, extensions.
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({});
});
afterAll(() => stack?.stop());

interface Answer {
  status: number;
  type: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
}

async function post(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await request(stack.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: (await res.body.json()) as Answer['body'] };
}

async function get(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const url = new URL(stack.gateway.graphqlUrl);
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  const res = await request(url, { headers: { 'apollo-require-preflight': 'true', accept: 'application/json' } });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: (await res.body.json()) as Answer['body'] };
}

/** Request ids differ per request; everything else must be equal. */
function comparable(a: Answer): Answer {
  const errors = a.body.errors?.map((e) => ({ ...e, extensions: { ...e.extensions, requestId: typeof e.extensions?.requestId } }));
  return { ...a, body: { ...a.body, ...(errors ? { errors } : {}) } };
}

describe('the query fast path answers as Apollo does', () => {
  it.each([
    ['a plain query', `{ gatewayInfo { sandbox } encode { labs { name awards { name } } } }`, undefined],
    ['a query with variables and an operation name', `query Lab($id: ID!) { encode { lab(id: $id) { title } } }`, { id: 'sandbox-lab' }],
    ['a resolver error beside data', `{ encode { a: lab(id: "sandbox-lab") { name } b: search(type: "NoSuchType") { id } } }`, undefined],
    ['an upstream error', `{ encodeRecord(id: "../etc") }`, undefined],
    ['a document that does not validate', `{ encode { labs { nmae } } }`, undefined],
    ['variables of the wrong type', `query($id: ID!) { encode { lab(id: $id) { name } } }`, { id: { no: 1 } }],
  ])('%s', async (_what, query, variables) => {
    const viaApollo = jest.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');
    try {
      const fast = await post(query, variables);
      const byApollo = viaApollo.mock.calls.length;
      const apollo = await get(query, variables);
      expect(comparable(fast)).toEqual(comparable(apollo));
      expect(fast.body.extensions?.upstreamCalls).toBeDefined();
      // Valid queries never reach Apollo; what does not validate, or brings bad variables, does.
      expect(byApollo).toBe(fast.status === 200 ? 0 : 1);
      expect(viaApollo.mock.calls.length).toBe(byApollo + 1);
    } finally {
      viaApollo.mockRestore();
    }
  });

  it('leaves mutations to Apollo', async () => {
    const res = await post(`mutation { createEntities(input: { source: ENCODE, profile: "lab", entities: [{}], dryRun: true }) { success } }`);
    expect(res.status).toBe(200);
    expect(res.body.extensions?.upstreamCalls).toBeDefined();
  });

  it('gzips large answers for clients that take gzip, and only those, with the security headers', async () => {
    const query = `{ __schema { types { name fields { name } } } }`;
    const zipped = await request(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'br;q=0.5, gzip' },
      body: JSON.stringify({ query }),
    });
    const bytes = Buffer.from(await zipped.body.arrayBuffer());
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zipped.headers['x-content-type-options']).toBe('nosniff');
    expect(zipped.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const answer = JSON.parse(gunzipSync(bytes).toString('utf8'));
    expect(answer.data.__schema.types.map((t: { name: string }) => t.name)).toContain('EncodeBiosample');
    expect(Number(zipped.headers['content-length'])).toBe(bytes.length);

    const plain = await request(stack.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip;q=0' }, body: JSON.stringify({ query }) });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(await plain.body.text())).toEqual(answer);
    const small = await request(stack.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(await small.body.json()).toEqual({ data: { __typename: 'Query' }, extensions: { upstreamCalls: { ENCODE: 0, GDC: 0 } } });
  });
});
