import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { callerKey } from '../caller-key';
import type { RateLimitConfig } from '../config';
import { recordLimitRefusal, recordSharedStateFallback } from '../metrics';
import { type ClientAddress, clientAddressRule } from './client-address';
import { sendError } from './error-body';

/** What the step leaves in res.locals for finishOperation (src/apollo/operations.ts). */
export interface RateLimitLocals {
  /** Counts the upstream calls an operation sent against its caller's RATE_LIMIT_UPSTREAM_CALLS. */
  spendUpstreamCalls?: (calls: number) => void;
}

type Locals = Record<string, unknown> & RateLimitLocals;

/**
 * The per-caller limits, one front-door step for both execution paths (src/app.ts puts it after
 * auth and credentials, before the body is read):
 * - RATE_LIMIT_REQUESTS requests per RATE_LIMIT_WINDOW_SECONDS;
 * - RATE_LIMIT_UPSTREAM_CALLS upstream calls per window: an operation's calls are only known once
 *   it has run, so they are counted when it finishes (finishOperation calls spendUpstreamCalls) and
 *   the caller's NEXT request is refused once the window's budget is spent.
 * Over either: 429 with Retry-After and a GraphQL error RATE_LIMITED carrying retryAfter.
 *
 * With REDIS_URL the counters are in Redis, shared by every instance. While Redis cannot be
 * reached, each instance counts on its own (rate-limiter-flexible's insurance limiter): callers
 * keep being served and limited, at worst N instances × the limit, rather than every request
 * failing because a protection is down.
 */
export function rateLimitStep(config: RateLimitConfig, redis: Redis | null = null, clientAddress: ClientAddress = clientAddressRule(null)) {
  const requests = config.requests > 0 ? limiter('requests', config.requests, config.windowSeconds, redis) : null;
  const upstream = config.upstreamCalls > 0 ? limiter('upstream', config.upstreamCalls, config.windowSeconds, redis) : null;
  return (req: IncomingMessage, res: ServerResponse & { locals: Locals }, next: (err?: unknown) => void) => {
    if (!requests && !upstream) return next();
    const key = callerKey(req, res.locals.gatewayKey as string | undefined, clientAddress);
    // Both at once: one round trip's wait with Redis, not two.
    Promise.all([upstream ? upstream.get(key) : null, requests ? requests.consume(key) : null]).then(
      ([spent]) => {
        if (upstream && spent && spent.consumedPoints >= config.upstreamCalls) {
          return refuse(res, 'RATE_LIMIT_UPSTREAM_CALLS', spent.msBeforeNext, `This caller's operations sent ${spent.consumedPoints} upstream calls in ${config.windowSeconds} s (RATE_LIMIT_UPSTREAM_CALLS=${config.upstreamCalls})`);
        }
        if (upstream) res.locals.spendUpstreamCalls = (calls) => void (calls > 0 && upstream.penalty(key, calls).catch(() => undefined));
        next();
      },
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) return next(refusal);
        refuse(res, 'RATE_LIMIT_REQUESTS', refusal.msBeforeNext, `More than ${config.requests} requests in ${config.windowSeconds} s from this caller (RATE_LIMIT_REQUESTS=${config.requests})`);
      },
    );
  };
}

function refuse(res: ServerResponse, limit: string, msBeforeNext: number, why: string): void {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  recordLimitRefusal(limit);
  res.setHeader('retry-after', String(retryAfter));
  sendError(res, 429, `${why}; retry after ${retryAfter} s`, 'RATE_LIMITED', { retryAfter, limit });
}

function limiter(name: string, points: number, duration: number, redis: Redis | null): RateLimiterAbstract {
  if (!redis) return new RateLimiterMemory({ points, duration });
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `submission-gateway:rate:${name}`,
    points,
    duration,
    // Not connected: straight to this instance's own counters, without trying Redis first.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new CountedFallback({ points, duration }),
  });
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
