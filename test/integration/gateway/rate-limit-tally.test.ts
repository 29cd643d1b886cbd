import pino from 'pino';
import { callerCounters, type CallerCounters } from '../../../src/http/caller-counters';
import { connectRedis } from '../../../src/redis';
import { type PrivateRedis, startPrivateRedis } from '../../support/redis';

/**
 * Requests of a caller clearly within its limits go ahead of their check and are tallied
 * (src/http/caller-counters.ts): counted in Redis by one command per caller within TALLY_MS (100 ms),
 * or with the caller's next check, rather than by one command per request. Counted on a real Redis,
 * commands included (INFO commandstats).
 */
let redis: PrivateRedis;
let client: Awaited<ReturnType<typeof connectRedis>>;
let counters: CallerCounters;

const config = { requests: 100, upstreamCalls: 100, windowSeconds: 300, aheadPercent: 50 };
const requestsOf = async (key: string) => Number(await client.get(`submission-gateway:rate:requests:${key}`));
const upstreamCallsOf = async (key: string) => Number(await client.get(`submission-gateway:rate:upstream:${key}`));
/** Scripts run so far (EVALSHA, and EVAL the first time a script is not loaded yet). */
async function scriptsRun(): Promise<number> {
  const stats = await client.info('commandstats');
  return [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  redis = await startPrivateRedis();
  client = await connectRedis(`redis://127.0.0.1:${redis.port}`, pino({ level: 'silent' }));
  counters = callerCounters(config, client)!;
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('requests that went ahead of their rate-limit check', () => {
  it('are counted by one command per caller within 100 ms, with the upstream calls they spent', async () => {
    expect((await counters.check('a')).requests?.consumed).toBe(1);
    const before = await scriptsRun();
    for (let i = 0; i < 4; i++) {
      const counted = counters.ahead('a');
      expect(counted).not.toBeNull();
      counted!(2);
    }
    // Tallied, not counted yet.
    expect(await requestsOf('a')).toBe(1);
    expect(await scriptsRun()).toBe(before);
    await sleep(250);
    expect(await requestsOf('a')).toBe(5);
    expect(await upstreamCallsOf('a')).toBe(8);
    expect(await scriptsRun()).toBe(before + 1);
  });

  it('are counted with the caller next check, in its command, and the verdict counts them', async () => {
    await counters.check('b');
    counters.ahead('b')!(0);
    counters.ahead('b')!(1);
    const before = await scriptsRun();
    const verdict = await counters.check('b');
    expect(verdict.requests?.consumed).toBe(4);
    expect(verdict.upstreamCalls?.consumed).toBe(1);
    await sleep(250);
    expect(await scriptsRun()).toBe(before + 1);
    expect(await requestsOf('b')).toBe(4);
  });

  it('stop going ahead once the requests let through reach the share of a limit, answered and tallied or not', async () => {
    await counters.check('c');
    // 100 requests at 50 %: read at 1, 49 more may go ahead before any is counted.
    const counting: ((calls: number) => void)[] = [];
    for (let next = counters.ahead('c'); next; next = counters.ahead('c')) counting.push(next);
    expect(counting).toHaveLength(49);
    // Answered and tallied: still not in the reading, so none more goes ahead.
    for (const counted of counting) counted(0);
    expect(counters.ahead('c')).toBeNull();
    await counters.flush();
    expect(await requestsOf('c')).toBe(50);
    // Read at 50 of 100: no room left below the share.
    expect(counters.ahead('c')).toBeNull();
  });

  it('flush() counts what answered requests tallied, without waiting for the interval', async () => {
    await counters.check('d');
    for (let i = 0; i < 3; i++) counters.ahead('d')!(1);
    await counters.flush();
    expect(await requestsOf('d')).toBe(4);
    expect(await upstreamCallsOf('d')).toBe(3);
    // Read again on that flush: room for more.
    expect(counters.ahead('d')).not.toBeNull();
  });
});
