import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config';
import { recordSharedStateFallback } from '../metrics';
import { CallerReadings, type Reading } from './caller-readings';

/** One of a caller's counters in the current window. */
export interface Counter {
  consumed: number;
  msBeforeNext: number;
}

/** What one check reads: null for a limit that is off. */
export interface CallerCounts {
  /** Requests in the window, this one included. */
  requests: Counter | null;
  /** Upstream calls the caller's operations spent in the window. */
  upstreamCalls: Counter | null;
}

/** The per-caller counters behind RATE_LIMIT_REQUESTS and RATE_LIMIT_UPSTREAM_CALLS (src/http/rate-limit.ts). */
export interface CallerCounters {
  /** Counts this request and reads the upstream calls spent so far. */
  check(key: string): Promise<CallerCounts>;
  /**
   * When the caller is clearly within its limits (RedisCounters: ./caller-readings.ts), its request
   * goes on with no check before it: this returns what counts it, with the upstream calls it
   * spent, once it is answered. Null: check() it.
   */
  ahead(key: string): ((upstreamCalls: number) => void) | null;
  /** Adds what an operation sent upstream. */
  spend(key: string, calls: number): void;
  /** Counts at once what is still tallied here (on stop). */
  flush(): Promise<void>;
}

/** Where the counters live: this process (rate-limiter-flexible in memory), or Redis with REDIS_URL. Null when both limits are off. */
export function callerCounters(config: RateLimitConfig, redis: Redis | null): CallerCounters | null {
  if (config.requests <= 0 && config.upstreamCalls <= 0) return null;
  return redis ? new RedisCounters(config, redis) : new MemoryCounters(config, RateLimiterMemory);
}

const KEY_PREFIX = 'submission-gateway:rate';

/** This process's counters (rate-limiter-flexible in memory). */
class MemoryCounters implements CallerCounters {
  readonly requests: RateLimiterAbstract | null;
  readonly upstream: RateLimiterAbstract | null;

  constructor(config: RateLimitConfig, Limiter: typeof RateLimiterMemory) {
    const duration = config.windowSeconds;
    this.requests = config.requests > 0 ? new Limiter({ points: config.requests, duration }) : null;
    this.upstream = config.upstreamCalls > 0 ? new Limiter({ points: config.upstreamCalls, duration }) : null;
  }

  async check(key: string): Promise<CallerCounts> {
    const [requests, upstreamCalls] = await Promise.all([
      // Over its points, consume() rejects with the same counts.
      this.requests?.consume(key).then(counter, (res: unknown) => (res instanceof RateLimiterRes ? counter(res) : Promise.reject(res))) ?? null,
      this.upstream?.get(key).then((res) => (res ? counter(res) : { consumed: 0, msBeforeNext: 0 })) ?? null,
    ]);
    return { requests, upstreamCalls };
  }

  /** A check in memory settles before anything could be sent: there is nothing to go ahead of. */
  ahead(): null {
    return null;
  }

  spend(key: string, calls: number): void {
    if (calls > 0) this.upstream?.penalty(key, calls).catch(() => undefined);
  }

  /** Counts requests that were not checked here (tallied while Redis was reachable). */
  add(key: string, requests: number): void {
    if (requests > 0) this.requests?.penalty(key, requests).catch(() => undefined);
  }

  async flush(): Promise<void> {}
}

function counter(res: RateLimiterRes): Counter {
  return { consumed: res.consumedPoints, msBeforeNext: res.msBeforeNext };
}

/**
 * KEYS: the caller's requests counter, its upstream-calls counter. ARGV: the window in seconds,
 * whether each limit is on, upstream calls to add first (spent by requests that went ahead), the
 * requests to count (this one, and those that went ahead since the last command). Both are counted
 * as rate-limiter-flexible's own script counts (RateLimiterRedis's incrTtlLuaScript), on the keys
 * it uses, so its penalty() (spend) and this check share the counters.
 */
const CHECK_SCRIPT = `
local requests, requestsTtl, spent, spentTtl = -1, -1, -1, -1
if ARGV[3] == '1' and tonumber(ARGV[4]) > 0 then
  redis.call('set', KEYS[2], 0, 'EX', ARGV[1], 'NX')
  redis.call('incrby', KEYS[2], ARGV[4])
  if redis.call('pttl', KEYS[2]) == -1 then redis.call('expire', KEYS[2], ARGV[1]) end
end
if ARGV[2] == '1' then
  redis.call('set', KEYS[1], 0, 'EX', ARGV[1], 'NX')
  requests = redis.call('incrby', KEYS[1], ARGV[5])
  requestsTtl = redis.call('pttl', KEYS[1])
  if requestsTtl == -1 then
    redis.call('expire', KEYS[1], ARGV[1])
    requestsTtl = 1000 * ARGV[1]
  end
end
if ARGV[3] == '1' then
  local value = redis.call('get', KEYS[2])
  if value then
    spent = tonumber(value)
    spentTtl = redis.call('pttl', KEYS[2])
  else
    spent, spentTtl = 0, 0
  end
end
return {requests, requestsTtl, spent, spentTtl}
`;

type CheckCommand = (requestsKey: string, upstreamKey: string, window: number, requestsOn: string, upstreamOn: string, spent: number, requests: number) => Promise<number[]>;

/**
 * How long requests that went ahead are tallied here before they are counted in Redis: one command
 * per caller per interval rather than one per request. At concurrency 1 a command after every
 * answer cost the caller's next request about 0.1 ms (Redis waking on a shared core); the reading's
 * `pending` holds what is tallied, so a caller nearing a limit is judged as exactly as before.
 */
const TALLY_MS = 100;

/** Requests of one caller that went ahead and were answered, not yet counted in Redis. */
interface Tally {
  reading: Reading;
  requests: number;
  upstreamCalls: number;
}

/**
 * The counters in Redis, shared by every instance. A check is one command (one script for both
 * counters): each Redis command costs the gateway tens of microseconds of CPU, and the library's
 * get() is a MULTI of four. While Redis cannot be reached, each instance counts on its own (the
 * same insurance limiters RateLimiterRedis falls back to), every use counted in /metrics.
 * Each answer is kept as the caller's last reading (./caller-readings.ts): far from its limits, a
 * caller's next request goes on without a check first, and is tallied once answered, with the
 * upstream calls it spent; a tally is counted within TALLY_MS, or with the caller's next check.
 */
class RedisCounters implements CallerCounters {
  private readonly fallback: MemoryCounters;
  private readonly upstream: RateLimiterRedis | null;
  private readonly command: CheckCommand;
  private readonly readings: CallerReadings;
  private readonly tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly redis: Redis,
  ) {
    this.fallback = new MemoryCounters(config, CountedFallback);
    this.readings = new CallerReadings(config);
    const duration = config.windowSeconds;
    this.upstream =
      config.upstreamCalls > 0
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${KEY_PREFIX}:upstream`,
            points: config.upstreamCalls,
            duration,
            // Not connected: straight to this instance's own counters, without trying Redis first.
            rejectIfRedisNotReady: true,
            insuranceLimiter: this.fallback.upstream ?? undefined,
          })
        : null;
    redis.defineCommand('submissionGatewayRateCheck', { numberOfKeys: 2, lua: CHECK_SCRIPT });
    this.command = (redis as unknown as { submissionGatewayRateCheck: CheckCommand }).submissionGatewayRateCheck.bind(redis);
  }

  check(key: string): Promise<CallerCounts> {
    if (this.redis.status !== 'ready') return this.fallback.check(key);
    const reading = this.readings.sent(key);
    // The caller's tally goes with its check: one command, and the verdict counts them.
    const tally = this.tallies.get(key);
    if (tally?.reading === reading) {
      this.tallies.delete(key);
      return this.count(key, reading, 1 + tally.requests, tally.upstreamCalls);
    }
    return this.count(key, reading, 1, 0);
  }

  ahead(key: string): ((upstreamCalls: number) => void) | null {
    if (this.redis.status !== 'ready' || !this.readings.clearlyWithin(key)) return null;
    // Pending from now: what this instance lets go ahead at once stays within its share.
    const reading = this.readings.sent(key);
    return (calls) => this.tally(key, reading, calls);
  }

  private tally(key: string, reading: Reading, calls: number): void {
    let tally = this.tallies.get(key);
    if (tally && tally.reading !== reading) {
      // The caller's reading was dropped and taken again meanwhile (MAX_CALLERS): count the old tally on its own.
      this.send(key, tally);
      tally = undefined;
    }
    if (!tally) this.tallies.set(key, (tally = { reading, requests: 0, upstreamCalls: 0 }));
    tally.requests++;
    tally.upstreamCalls += calls;
    // Judged with the reading at once, as spend() does, though counted in Redis later.
    if (calls > 0) this.readings.spent(key, calls);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), TALLY_MS);
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const tallies = [...this.tallies];
    this.tallies.clear();
    return Promise.all(tallies.map(([key, tally]) => this.send(key, tally))).then(() => undefined);
  }

  private send(key: string, tally: Tally): Promise<unknown> {
    return this.count(key, tally.reading, tally.requests, tally.upstreamCalls).catch(() => undefined);
  }

  /** Counts requests (and the upstream calls they spent), and reads both counters after. */
  private async count(key: string, reading: Reading, requestsNow: number, spentNow: number): Promise<CallerCounts> {
    const { requests, upstreamCalls, windowSeconds } = this.config;
    let counts: number[];
    try {
      counts = await this.command(`${KEY_PREFIX}:requests:${key}`, `${KEY_PREFIX}:upstream:${key}`, windowSeconds, requests > 0 ? '1' : '0', upstreamCalls > 0 ? '1' : '0', spentNow, requestsNow);
    } catch {
      this.readings.failed(reading, requestsNow);
      this.fallback.spend(key, spentNow);
      this.fallback.add(key, requestsNow - 1);
      return this.fallback.check(key);
    }
    const [consumed, requestsTtl, spent, spentTtl] = counts.map(Number);
    const read: CallerCounts = {
      requests: requests > 0 ? { consumed, msBeforeNext: requestsTtl } : null,
      upstreamCalls: upstreamCalls > 0 ? { consumed: spent, msBeforeNext: Math.max(0, spentTtl) } : null,
    };
    this.readings.answered(reading, read, performance.now(), requestsNow);
    // Spent since and still tallied here: not in what Redis answered.
    const later = this.tallies.get(key);
    if (later?.reading === reading && later.upstreamCalls > 0) this.readings.spent(key, later.upstreamCalls);
    return read;
  }

  spend(key: string, calls: number): void {
    if (calls <= 0) return;
    this.readings.spent(key, calls);
    this.upstream?.penalty(key, calls).catch(() => undefined);
  }
}

/** This instance's own counters, used while Redis is unreachable; each use is counted in /metrics. */
class CountedFallback extends RateLimiterMemory {
  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    recordSharedStateFallback('rate_limit');
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>) {
    recordSharedStateFallback('rate_limit');
    return super.get(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory['penalty']>) {
    recordSharedStateFallback('rate_limit');
    return super.penalty(...args);
  }
}
