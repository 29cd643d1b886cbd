import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { callerKey } from '../caller-key';
import type { RateLimitConfig } from '../config';
import { recordLimitRefusal } from '../metrics';
import { callerCounters } from './caller-counters';
import { type ClientAddress, clientAddressRule } from './client-address';
import { sendError } from './error-body';
import { wantsEventStream } from './sse-subscriptions';

/** What the step leaves in res.locals for the rest of the request. */
export interface RateLimitLocals {
  /** Counts the upstream calls an operation sent against its caller's RATE_LIMIT_UPSTREAM_CALLS (finishOperation, src/apollo/operations.ts). */
  spendUpstreamCalls?: (calls: number) => void;
  /**
   * A check still under way (see rateLimitStep): settles once the caller's limits are read, and
   * rejects with RATE_LIMITED when over one. UpstreamCalls sends nothing before it settles.
   */
  admission?: Promise<void>;
}

type Locals = Record<string, unknown> & RateLimitLocals;

/** Which limit refused a caller, and for how long. */
interface Refusal {
  limit: 'RATE_LIMIT_REQUESTS' | 'RATE_LIMIT_UPSTREAM_CALLS';
  msBeforeNext: number;
  why: string;
}

/**
 * A request with at most this many body bytes declared goes on while its check is under way:
 * a query's body. Larger bodies (documents, uploads, chunked ones) wait for the verdict first, so
 * a refused caller's large body is never read.
 */
const OVERLAP_MAX_BODY_BYTES = 16 * 1024;

/**
 * The per-caller limits, one front-door step for both execution paths (src/app.ts puts it after
 * auth and credentials, before the body is read):
 * - RATE_LIMIT_REQUESTS requests per RATE_LIMIT_WINDOW_SECONDS;
 * - RATE_LIMIT_UPSTREAM_CALLS upstream calls per window: an operation's calls are only known once
 *   it has run, so they are counted when it finishes (finishOperation calls spendUpstreamCalls) and
 *   the caller's NEXT request is refused once the window's budget is spent.
 * Over either: 429 with Retry-After and a GraphQL error RATE_LIMITED carrying retryAfter.
 *
 * With REDIS_URL the counters are in Redis, shared by every instance (src/http/caller-counters.ts:
 * one command per check). While Redis cannot be reached, each instance counts on its own: callers
 * keep being served and limited, at worst N instances × the limit, rather than every request
 * failing because a protection is down.
 *
 * A check on Redis is a round trip (100-300 µs on loopback, more than the rest of a lookup's work
 * before its upstream call), so a small request does not wait for it here: its body is read, parsed
 * and executed meanwhile, and it waits only where being refused matters: before any upstream call
 * (UpstreamCalls waits for `admission`) and before anything is answered or written (admitted(),
 * called by the query fast path before its answer and by the step in front of Apollo, so a
 * mutation or a job never starts for a refused caller). A refused request is answered 429, unless
 * it was refused first for itself (a malformed body, a document over its limits, an unknown
 * persisted query), which costs nothing upstream either.
 * It is not checked first at all when the caller is clearly within its limits (src/http/caller-readings.ts:
 * under RATE_LIMIT_AHEAD_PERCENT of each as this instance read them from Redis under a second ago):
 * it is tallied once answered, with the upstream calls it spent, and counted in Redis within 0.1 s
 * (one command per caller) or with the caller's next check. `flush()` counts what is tallied (on stop).
 */
export function rateLimitStep(config: RateLimitConfig, redis: Redis | null = null, clientAddress: ClientAddress = clientAddressRule(null)) {
  const counters = callerCounters(config, redis);
  const step = (req: IncomingMessage, res: ServerResponse & { locals: Locals }, next: (err?: unknown) => void) => {
    if (!counters) return next();
    const key = callerKey(req, res.locals.gatewayKey as string | undefined, clientAddress);
    // Not an event stream: answered for as long as it is subscribed, counted at its close would be too late.
    const counted = mayGoOnMeanwhile(req) && !wantsEventStream(req) ? counters.ahead(key) : null;
    if (counted) {
      // Counted once answered, with what it spent (finishOperation runs before the answer leaves;
      // after a client that hung up, what it spends later is counted on its own).
      let spent = 0;
      let closed = false;
      if (config.upstreamCalls > 0) res.locals.spendUpstreamCalls = (calls) => void (closed ? calls > 0 && counters.spend(key, calls) : (spent += calls));
      res.once('close', () => {
        closed = true;
        counted(spent);
      });
      return next();
    }
    // Sent once the answer is written (finishOperation runs just before): off the answer's path.
    // The caller's next request comes after it, and one connection keeps commands in order.
    // A refused request sent nothing upstream: it spends nothing.
    if (config.upstreamCalls > 0) res.locals.spendUpstreamCalls = (calls) => void (calls > 0 && setImmediate(() => counters.spend(key, calls)));
    const verdict = counters.check(key).then(({ requests, upstreamCalls }): Refusal | null => {
      if (requests && requests.consumed > config.requests) {
        return { limit: 'RATE_LIMIT_REQUESTS', msBeforeNext: requests.msBeforeNext, why: `More than ${config.requests} requests in ${config.windowSeconds} s from this caller (RATE_LIMIT_REQUESTS=${config.requests})` };
      }
      if (upstreamCalls && upstreamCalls.consumed >= config.upstreamCalls) {
        return { limit: 'RATE_LIMIT_UPSTREAM_CALLS', msBeforeNext: upstreamCalls.msBeforeNext, why: `This caller's operations sent ${upstreamCalls.consumed} upstream calls in ${config.windowSeconds} s (RATE_LIMIT_UPSTREAM_CALLS=${config.upstreamCalls})` };
      }
      return null;
    });
    if (!mayGoOnMeanwhile(req)) return void verdict.then((refusal) => (refusal ? refuse(res, refusal) : next()), next);
    res.locals.admission = verdict.then((refusal) => {
      if (refusal) throw new RateLimited(refusal);
    });
    // Nobody may be waiting on it (a query that calls no upstream): a refusal is answered by admitted().
    res.locals.admission.catch(() => undefined);
    next();
  };
  return Object.assign(step, { flush: () => counters?.flush() ?? Promise.resolve() });
}

/** A GET (parameters only) or a POST that declares a small body; not an upload. */
function mayGoOnMeanwhile(req: IncomingMessage): boolean {
  if (req.method === 'GET') return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) <= OVERLAP_MAX_BODY_BYTES && !/^multipart\//i.test(req.headers['content-type'] ?? '');
}

/**
 * Waits for a check the step let the request go on past: true when the caller is within its
 * limits; false when it is not, once the 429 is answered. Throws what a failed check threw.
 */
export async function admitted(res: ServerResponse & { locals?: Locals }): Promise<boolean> {
  try {
    await res.locals?.admission;
    return true;
  } catch (err) {
    if (!(err instanceof RateLimited)) throw err;
    if (!res.headersSent) refuse(res, err.refusal);
    return false;
  }
}

/** admitted() as a middleware step: in front of Apollo, whatever the query fast path hands on. */
export function admissionStep(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void {
  admitted(res).then((ok) => ok && next(), next);
}

function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/** What `admission` rejects with for a refused caller: an upstream call's error (never sent), and admitted()'s 429. */
class RateLimited extends GraphQLError {
  constructor(readonly refusal: Refusal) {
    const retryAfter = retryAfterSeconds(refusal.msBeforeNext);
    super(`${refusal.why}; retry after ${retryAfter} s`, { extensions: { code: 'RATE_LIMITED', retryAfter, limit: refusal.limit } });
  }
}

function refuse(res: ServerResponse, { limit, msBeforeNext, why }: Refusal): void {
  const retryAfter = retryAfterSeconds(msBeforeNext);
  recordLimitRefusal(limit);
  res.setHeader('retry-after', String(retryAfter));
  sendError(res, 429, `${why}; retry after ${retryAfter} s`, 'RATE_LIMITED', { retryAfter, limit });
}
