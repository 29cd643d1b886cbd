import { ApolloServer } from '@apollo/server';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { startStack, type Stack } from '../../support/stack';

// Queries POSTed as JSON, or sent as GET with a preflight header, skip Apollo's pipeline
// (src/apollo/query-fast-path.ts); a GET let through Apollo's CSRF prevention by its content type
// goes through Apollo. All must answer alike: status, data, errors, extensions.
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

/** A GET: with `apollo-require-preflight` the fast path's; let through by a non-simple content type instead, Apollo's. */
async function get(query: string, variables: Record<string, unknown> | undefined, via: 'fast path' | 'Apollo'): Promise<Answer> {
  const url = new URL(stack.gateway.graphqlUrl);
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  const headers = via === 'fast path' ? { 'apollo-require-preflight': 'true', accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' };
  const res = await request(url, { headers });
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
      const fastGet = await get(query, variables, 'fast path');
      const byApolloGet = viaApollo.mock.calls.length - byApollo;
      const apollo = await get(query, variables, 'Apollo');
      expect(comparable(fast)).toEqual(comparable(apollo));
      expect(comparable(fastGet)).toEqual(comparable(apollo));
      expect(fast.body.extensions?.upstreamCalls).toBeDefined();
      // Valid queries never reach Apollo; what does not validate, or brings bad variables, does.
      expect(byApollo).toBe(fast.status === 200 ? 0 : 1);
      expect(byApolloGet).toBe(fast.status === 200 ? 0 : 1);
      expect(viaApollo.mock.calls.length).toBe(byApollo + byApolloGet + 1);
    } finally {
      viaApollo.mockRestore();
    }
  });

  it('takes a preflighted GET only: held to the same input limits, its mutations and CSRF refusals left to Apollo', async () => {
    const viaApollo = jest.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');
    try {
      const deep = `{ gatewayInfo ${'{ version '.repeat(200)}${'}'.repeat(200)} }`;
      const refused = await get(deep, undefined, 'fast path');
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_INPUT_DEPTH' });
      expect(viaApollo).not.toHaveBeenCalled();
      // A mutation over GET: Apollo's 405, as before.
      const url = new URL(stack.gateway.graphqlUrl);
      url.searchParams.set('query', 'mutation { closeTransaction(input: { project: "GDC-INTERNAL", transactionId: 1 }) { success } }');
      const mutation = await request(url, { headers: { 'apollo-require-preflight': 'true' } });
      await mutation.body.text();
      expect(mutation.statusCode).toBe(405);
      expect(viaApollo).toHaveBeenCalledTimes(1);
      // No preflight header, no content type: Apollo's CSRF refusal.
      url.searchParams.set('query', '{ gatewayInfo { version } }');
      const csrf = await request(url);
      expect(csrf.statusCode).toBe(400);
      expect(await csrf.body.text()).toMatch(/Cross-Site Request Forgery/);
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
