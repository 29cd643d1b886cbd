import { request } from 'undici';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';
import { type PrivateRedis, startPrivateRedis } from '../support/redis';
import { backendOf, type RoundRobinProxy, startRoundRobinProxy } from '../support/tcp-proxy';

/**
 * Issue 17: per-caller rate limits held in Redis (REDIS_URL) hold across two gateway processes
 * behind a round-robin TCP balancer: the N+1th request is refused whichever instance it reaches.
 * RATE_LIMIT_UPSTREAM_CALLS counts what operations sent upstream, wherever they ran. While Redis
 * is down each instance limits on its own (served, never failed), and shares again once it is back.
 */
const REQUESTS = 5;
const UPSTREAM_CALLS = 3;
const NO_UPSTREAM = '{ gatewayInfo { version } }';
const ONE_ENCODE_CALL = '{ p: encodeProfile(name: "lab") }';

let sandbox: RunningSandbox;
let redis: PrivateRedis;
let a: RunningProcess & { url: string };
let b: RunningProcess & { url: string };
let proxy: RoundRobinProxy;

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({}), startPrivateRedis()]);
  const env = {
    NODE_ENV: 'production',
    ENCODE_URL: sandbox.encode!.url,
    GDC_URL: sandbox.gdc!.url,
    REDIS_URL: redis.url,
    RATE_LIMIT_REQUESTS: String(REQUESTS),
    RATE_LIMIT_UPSTREAM_CALLS: String(UPSTREAM_CALLS),
    RATE_LIMIT_WINDOW_SECONDS: '300',
    ACCESS_LOG: 'off',
  };
  [a, b] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  proxy = await startRoundRobinProxy([backendOf(a.url), backendOf(b.url)]);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  kill(a);
  kill(b);
  await Promise.all([redis?.stop(), sandbox?.stop()]);
});

/** One request on a connection of its own, so the balancer sends each to the next instance. */
async function gql(base: string, query: string, caller: string) {
  const res = await request(`${base}/graphql`, {
    method: 'POST',
    reset: true,
    headers: { 'content-type': 'application/json', 'x-auth-token': caller },
    body: JSON.stringify({ query }),
  });
  return { status: res.statusCode, retryAfter: res.headers['retry-after'], body: (await res.body.json()) as any };
}

async function metric(base: string, line: RegExp): Promise<number | null> {
  const text = await (await request(`${base}/metrics`)).body.text();
  const hit = text.split('\n').find((l) => line.test(l));
  return hit ? Number(hit.split(' ').pop()) : null;
}

describe('rate limits on Redis, two instances behind a round-robin balancer', () => {
  it(`answers ${REQUESTS} requests of a caller spread over both, and refuses the next on either`, async () => {
    const before = [...proxy.connections];
    for (let i = 0; i < REQUESTS; i++) expect((await gql(proxy.url, NO_UPSTREAM, 'caller-requests')).status).toBe(200);
    // Both instances answered some: the count is shared, not per instance.
    expect(proxy.connections[0] - before[0]).toBeGreaterThanOrEqual(2);
    expect(proxy.connections[1] - before[1]).toBeGreaterThanOrEqual(2);
    for (const base of [a.url, b.url]) {
      const refused = await gql(base, NO_UPSTREAM, 'caller-requests');
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_REQUESTS', retryAfter: Number(refused.retryAfter) });
    }
    // Another caller has a budget of its own.
    expect((await gql(proxy.url, NO_UPSTREAM, 'caller-other')).status).toBe(200);
  });

  it(`counts upstream calls made through either instance: after ${UPSTREAM_CALLS}, the next request is refused on both`, async () => {
    for (let i = 0; i < UPSTREAM_CALLS; i++) {
      const res = await gql(proxy.url, ONE_ENCODE_CALL, 'caller-upstream');
      expect(res.status).toBe(200);
      expect(res.body.extensions.upstreamCalls).toEqual({ ENCODE: 1, GDC: 0 });
    }
    for (const base of [a.url, b.url]) {
      // Even a request that would cost nothing upstream: the window's budget is spent.
      const refused = await gql(base, NO_UPSTREAM, 'caller-upstream');
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_UPSTREAM_CALLS' });
      expect(refused.body.errors[0].message).toMatch(/sent 3 upstream calls in 300 s \(RATE_LIMIT_UPSTREAM_CALLS=3\); retry after \d+ s$/);
    }
  });

  it('with Redis down, serves and limits each caller per instance (fail open to local counters); shares again once Redis is back', async () => {
    await redis.kill();
    // Served, not failed: every instance counts on its own while Redis is away.
    for (let i = 0; i < REQUESTS; i++) expect((await gql(a.url, NO_UPSTREAM, 'caller-outage')).status).toBe(200);
    expect((await gql(a.url, NO_UPSTREAM, 'caller-outage')).status).toBe(429);
    expect((await gql(b.url, NO_UPSTREAM, 'caller-outage')).status).toBe(200);
    expect(await metric(a.url, /^gateway_redis_up /)).toBe(0);
    expect(await metric(a.url, /^gateway_shared_state_fallbacks_total\{what="rate_limit"\} /)).toBeGreaterThanOrEqual(REQUESTS + 1);

    await redis.restart();
    for (const base of [a.url, b.url]) {
      for (const end = Date.now() + 15_000; (await metric(base, /^gateway_redis_up /)) !== 1 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
      expect(await metric(base, /^gateway_redis_up /)).toBe(1);
    }
    for (let i = 0; i < REQUESTS; i++) expect((await gql(proxy.url, NO_UPSTREAM, 'caller-after')).status).toBe(200);
    expect((await gql(a.url, NO_UPSTREAM, 'caller-after')).status).toBe(429);
    expect((await gql(b.url, NO_UPSTREAM, 'caller-after')).status).toBe(429);
    // The loss and the recovery are each logged once, naming what happens meanwhile.
    expect(a.logs.filter((l) => /^Redis lost/.test(l.msg))).toHaveLength(1);
    expect(a.output()).not.toMatch(/ECONNREFUSED[\s\S]*ECONNREFUSED[\s\S]*ECONNREFUSED/);
  }, 60_000);
});
