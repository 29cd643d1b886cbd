import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config';
import { recordSharedStateFallback } from '../metrics';

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
  /** Adds what an operation sent upstream. */
  spend(key: string, calls: number): void;
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

  spend(key: string, calls: number): void {
    if (calls > 0) this.upstream?.penalty(key, calls).catch(() => undefined);
  }
}

function counter(res: RateLimiterRes): Counter {
  return { consumed: res.consumedPoints, msBeforeNext: res.msBeforeNext };
}

/**
 * KEYS: the caller's requests counter, its upstream-calls counter. ARGV: the window in seconds,
 * whether each limit is on. The requests counter is counted as rate-limiter-flexible's own
 * script counts it (RateLimiterRedis's incrTtlLuaScript, one point), on the keys it uses, so its
 * penalty() (spend) and this check share the counters.
 */
const CHECK_SCRIPT = `
local requests, requestsTtl, spent, spentTtl = -1, -1, -1, -1
if ARGV[2] == '1' then
  redis.call('set', KEYS[1], 0, 'EX', ARGV[1], 'NX')
  requests = redis.call('incrby', KEYS[1], 1)
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

type CheckCommand = (requestsKey: string, upstreamKey: string, window: number, requestsOn: string, upstreamOn: string) => Promise<number[]>;

/**
 * The counters in Redis, shared by every instance. A check is one command (one script for both
 * counters): each Redis command costs the gateway tens of microseconds of CPU, and the library's
 * get() is a MULTI of four. While Redis cannot be reached, each instance counts on its own (the
 * same insurance limiters RateLimiterRedis falls back to), every use counted in /metrics.
 */
class RedisCounters implements CallerCounters {
  private readonly fallback: MemoryCounters;
  private readonly upstream: RateLimiterRedis | null;
  private readonly command: CheckCommand;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly redis: Redis,
  ) {
    this.fallback = new MemoryCounters(config, CountedFallback);
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

  async check(key: string): Promise<CallerCounts> {
    if (this.redis.status !== 'ready') return this.fallback.check(key);
    const { requests, upstreamCalls, windowSeconds } = this.config;
    let counts: number[];
    try {
      counts = await this.command(`${KEY_PREFIX}:requests:${key}`, `${KEY_PREFIX}:upstream:${key}`, windowSeconds, requests > 0 ? '1' : '0', upstreamCalls > 0 ? '1' : '0');
    } catch {
      return this.fallback.check(key);
    }
    const [consumed, requestsTtl, spent, spentTtl] = counts.map(Number);
    return {
      requests: requests > 0 ? { consumed, msBeforeNext: requestsTtl } : null,
      upstreamCalls: upstreamCalls > 0 ? { consumed: spent, msBeforeNext: Math.max(0, spentTtl) } : null,
    };
  }

  spend(key: string, calls: number): void {
    if (calls > 0) this.upstream?.penalty(key, calls).catch(() => undefined);
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
