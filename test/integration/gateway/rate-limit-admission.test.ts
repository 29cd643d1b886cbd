import net from 'node:net';
import pino from 'pino';
import { request } from 'undici';
import { callerIdentity } from '../../../src/caller-key';
import { type RunningGateway, startGateway } from '../../../src/gateway';
import { connectRedis } from '../../../src/redis';
import { type RunningSandbox, startSandbox } from '../../../src/sandbox';
import { type PrivateRedis, startPrivateRedis } from '../../support/redis';
import { gatewayOptionsOn } from '../../support/stack';

/**
 * A small request goes on while its rate-limit check on Redis is under way (src/http/rate-limit.ts):
 * here every Redis answer is held 300 ms, far longer than the request's own work, so a caller over
 * its limit would reach ENCODE, or be answered, before the verdict if anything did not wait for it.
 * Upstream calls are counted in the sandbox's own request log. A caller clearly within its limits
 * by the last reading (src/http/caller-readings.ts) is not checked first: answered before Redis
 * could answer, counted after.
 */
const REDIS_DELAY_MS = 300;
const ONE_LOOKUP = '{ encodeRecord(id: "/labs/sandbox-lab/") }';
const ANOTHER_LOOKUP = '{ encodeRecord(id: "/awards/sandbox-award/") }';

let sandbox: RunningSandbox;
let redis: PrivateRedis;
let slowRedis: net.Server;
let gateway: RunningGateway;
/** The same Redis, a limit of 10 requests: room to go ahead. */
let roomy: RunningGateway;
let redisClient: Awaited<ReturnType<typeof connectRedis>>;

/** A TCP proxy to Redis that holds each of Redis's answers REDIS_DELAY_MS (in order). */
async function delayedRedis(port: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), REDIS_DELAY_MS));
    upstream.on('close', () => setTimeout(() => client.destroy(), REDIS_DELAY_MS));
    client.on('close', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({}), startPrivateRedis()]);
  slowRedis = await delayedRedis(redis.port);
  redisClient = await connectRedis(`redis://127.0.0.1:${portOf(slowRedis)}`, pino({ level: 'silent' }));
  gateway = await startGateway({
    ...gatewayOptionsOn(sandbox),
    redis: redisClient,
    rateLimit: { requests: 1, upstreamCalls: 0, windowSeconds: 300, aheadPercent: 50 },
  });
  roomy = await startGateway({
    ...gatewayOptionsOn(sandbox),
    redis: redisClient,
    rateLimit: { requests: 10, upstreamCalls: 0, windowSeconds: 300, aheadPercent: 50 },
  });
}, 60_000);
afterAll(async () => {
  await roomy?.stop();
  await gateway?.stop();
  redisClient?.disconnect();
  await new Promise((resolve) => slowRedis?.close(resolve));
  await Promise.all([redis?.stop(), sandbox?.stop()]);
});

async function post(body: string, headers: Record<string, string> = {}, url = gateway.graphqlUrl) {
  const started = performance.now();
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': 'admission-caller', ...headers }, body });
  return { status: res.statusCode, ms: performance.now() - started, body: (await res.body.json()) as any };
}

describe('a request that goes on while its rate-limit check is under way', () => {
  it('is answered only once admitted, and a refused one reaches no upstream and runs nothing', async () => {
    const encodeRequests = () => sandbox.encode!.requests.entries.length;
    const first = await post(JSON.stringify({ query: ONE_LOOKUP }));
    expect(first.status).toBe(200);
    expect(first.body.data.encodeRecord.name).toBe('sandbox-lab');
    // Its upstream call waited for the verdict: the answer cannot come sooner.
    expect(first.ms).toBeGreaterThanOrEqual(REDIS_DELAY_MS);
    const sent = encodeRequests();
    expect(sent).toBeGreaterThan(0);

    // Over the limit: a query (fast path) that would call ENCODE.
    const query = await post(JSON.stringify({ query: ANOTHER_LOOKUP }));
    expect(query.status).toBe(429);
    expect(query.body.errors).toHaveLength(1);
    expect(query.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_REQUESTS' });
    expect(query.body.data).toBeUndefined();

    // A mutation (Apollo's path) that would write to ENCODE: refused before it runs.
    const patch = 'mutation Patch($patch: JSON!) { patchRecord(input: { source: ENCODE, id: "/labs/sandbox-lab/", patch: $patch }) { success } }';
    const mutation = await post(JSON.stringify({ query: patch, variables: { patch: { title: 'Refused lab' } } }));
    expect(mutation.status).toBe(429);
    expect(mutation.body.errors[0].extensions.code).toBe('RATE_LIMITED');

    // A body over the overlap's bound waits for the verdict before a byte of it is read.
    const large = await post(JSON.stringify({ query: ANOTHER_LOOKUP, variables: { padding: 'x'.repeat(20_000) } }));
    expect(large.status).toBe(429);

    expect(encodeRequests()).toBe(sent);
  });
});

describe('a caller clearly within its limits', () => {
  it('is answered without waiting for Redis up to half its limit as last read, then waits for each verdict, and the limit+1th is refused', async () => {
    const caller = { 'x-auth-token': 'roomy-caller' };
    const body = JSON.stringify({ query: '{ gatewayInfo { version } }' });
    const answers: { status: number; ms: number }[] = [];
    for (let i = 0; i < 11; i++) answers.push(await post(body, caller, roomy.graphqlUrl));
    expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(200), 429]);
    // The first has no reading to go on: it waits. Read at 1 of 10, the next four (up to 5 counted,
    // 50 %) are answered before Redis could answer anything; from the sixth each waits again.
    const waited = answers.map((a) => a.ms >= REDIS_DELAY_MS);
    expect(waited).toEqual([true, false, false, false, false, true, true, true, true, true, true]);
    // Those that went ahead were counted all the same, once answered.
    const key = callerIdentity(null, { dccApiKey: null, dccSecretKey: null, gdcToken: 'roomy-caller' });
    expect(Number(await redisClient.get(`submission-gateway:rate:requests:${key}`))).toBe(11);
  });

  it('except an event stream, which waits for its check: counted only at its close would be too late', async () => {
    const caller = { 'x-auth-token': 'streaming-caller' };
    const first = await post(JSON.stringify({ query: '{ gatewayInfo { version } }' }), caller, roomy.graphqlUrl);
    expect(first.status).toBe(200);
    // Read at 1 of 10: a query would go ahead now (above); a request for an event stream does not.
    const started = performance.now();
    const stream = await request(roomy.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...caller }, body: JSON.stringify({ query: '{ gatewayInfo { version } }' }) });
    const headMs = performance.now() - started;
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    await stream.body.text();
    expect(headMs).toBeGreaterThanOrEqual(REDIS_DELAY_MS);
    const after = await post(JSON.stringify({ query: '{ gatewayInfo { version } }' }), caller, roomy.graphqlUrl);
    expect(after.ms).toBeLessThan(REDIS_DELAY_MS);
  });
});
