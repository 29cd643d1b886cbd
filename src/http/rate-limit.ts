import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { callerKey } from '../caller-key';
import type { RateLimitConfig } from '../config';
import { recordLimitRefusal } from '../metrics';
import { sendError } from './error-body';

/**
 * The per-caller request limit (RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW_SECONDS), one front-door
 * step for both execution paths (src/app.ts puts it after auth and credentials, before the body is
 * read): over the limit, 429 with Retry-After and a GraphQL error RATE_LIMITED carrying retryAfter.
 */
export function rateLimitStep(config: RateLimitConfig) {
  const limiter = config.requests > 0 ? new RateLimiterMemory({ points: config.requests, duration: config.windowSeconds }) : null;
  return (req: IncomingMessage, res: ServerResponse & { locals: Record<string, unknown> }, next: (err?: unknown) => void) => {
    if (!limiter) return next();
    limiter.consume(callerKey(req, res.locals.gatewayKey as string | undefined)).then(
      () => next(),
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) return next(refusal);
        const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        recordLimitRefusal('RATE_LIMIT_REQUESTS');
        res.setHeader('retry-after', String(retryAfter));
        sendError(res, 429, `More than ${config.requests} requests in ${config.windowSeconds} s from this caller (RATE_LIMIT_REQUESTS=${config.requests}); retry after ${retryAfter} s`, 'RATE_LIMITED', { retryAfter });
      },
    );
  };
}
