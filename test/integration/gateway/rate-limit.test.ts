import pino from 'pino';
import { request } from 'undici';
import { type RunningGateway, startGateway } from '../../../src/gateway';
import { type RunningSandbox, startSandbox } from '../../../src/sandbox';

/**
 * RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW_SECONDS per caller, on both execution paths (queries
 * take the fast path, mutations Apollo) through the one front-door step (src/http/rate-limit.ts).
 */
const K1 = 'rate-key-one-0123456789abcdef';
const K2 = 'rate-key-two-0123456789abcdef';
const QUERY = '{ gatewayInfo { version } }';
// Refused by the schema (no such field) after the front door: still a request that counts.
const MUTATION = 'mutation { __typename }';
let sandbox: RunningSandbox;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({});
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await sandbox.stop();
});

async function gateway(requests: number, apiKeys: string[], upstreamCalls = 0): Promise<string> {
  const g = await startGateway({
    encodeUrl: sandbox.encode!.url,
    gdcUrl: sandbox.gdc!.url,
    sandbox: { encode: false, gdc: false },
    defaults: { encode: null, gdcToken: null },
    apiKeys,
    rateLimit: { requests, upstreamCalls, windowSeconds: 60, aheadPercent: 50 },
    logger: pino({ level: 'silent' }),
  });
  gateways.push(g);
  return `http://127.0.0.1:${new URL(g.url).port}`;
}

async function gql(base: string, query: string, headers: Record<string, string> = {}) {
  const res = await request(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('per-caller rate limit', () => {
  it('refuses the N+1th query with 429, Retry-After and RATE_LIMITED carrying retryAfter; another key is unaffected', async () => {
    const base = await gateway(3, [K1, K2]);
    for (let i = 0; i < 3; i++) expect((await gql(base, QUERY, bearer(K1))).status).toBe(200);
    const refused = await gql(base, QUERY, bearer(K1));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    // The Apollo path (a mutation) is refused by the same counter.
    const mutation = await gql(base, MUTATION, bearer(K1));
    expect(mutation.status).toBe(429);
    expect(mutation.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await gql(base, QUERY, bearer(K2))).status).toBe(200);
  });

  it('counts mutations (Apollo) and queries (fast path) against one budget', async () => {
    const base = await gateway(2, [K1]);
    expect((await gql(base, MUTATION, bearer(K1))).status).not.toBe(429);
    expect((await gql(base, QUERY, bearer(K1))).status).toBe(200);
    expect((await gql(base, QUERY, bearer(K1))).status).toBe(429);
  });

  it('without gateway keys, callers bringing their own credentials count apart from each other', async () => {
    const base = await gateway(1, []);
    expect((await gql(base, QUERY, { 'x-auth-token': 'caller-a-token' })).status).toBe(200);
    expect((await gql(base, QUERY, { 'x-auth-token': 'caller-a-token' })).status).toBe(429);
    expect((await gql(base, QUERY, { 'x-auth-token': 'caller-b-token' })).status).toBe(200);
    // No credentials: counted by address, a budget of its own.
    expect((await gql(base, QUERY)).status).toBe(200);
    expect((await gql(base, QUERY)).status).toBe(429);
  });

  it('RATE_LIMIT_UPSTREAM_CALLS: counts what operations sent upstream (both paths) and refuses the next request once spent', async () => {
    const base = await gateway(0, [K1, K2], 3);
    // Two upstream calls in one operation, none in the next, one in the third: 3 spent.
    const two = await gql(base, '{ a: gdcDictionary(type: "case") b: encodeProfile(name: "lab") }', bearer(K1));
    expect(two.body.extensions.upstreamCalls).toEqual({ ENCODE: 1, GDC: 1 });
    expect((await gql(base, QUERY, bearer(K1))).status).toBe(200); // costs nothing upstream
    const one = await gql(base, '{ encodeProfile(name: "biosample") }', bearer(K1));
    expect(one.status).toBe(200);
    expect(one.body.extensions.upstreamCalls).toEqual({ ENCODE: 1, GDC: 0 });
    const refused = await gql(base, QUERY, bearer(K1));
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_UPSTREAM_CALLS', retryAfter: Number(refused.headers['retry-after']) });
    expect((await gql(base, MUTATION, bearer(K1))).status).toBe(429);
    expect((await gql(base, QUERY, bearer(K2))).status).toBe(200);
  });
});
