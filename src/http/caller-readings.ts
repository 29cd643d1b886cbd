import type { RateLimitConfig } from '../config';
import type { CallerCounts } from './caller-counters';

/** A reading older than this says too little about a caller's counters to let a request go ahead on it. */
const MAX_AGE_MS = 1_000;
/** Callers whose last reading is kept (the oldest is dropped first): a bound on memory, whatever the number of addresses. */
const MAX_CALLERS = 10_000;

/** What this instance last read of one caller's counters in Redis, and what it added since. */
export interface Reading {
  /** When it was read (performance.now()); -Infinity before the first answer. */
  at: number;
  /** Requests in the window after that check, and when the window ends. */
  requests: number;
  requestsEnd: number;
  /** Upstream calls spent in the window as read, plus those this instance spent since; when its window ends. */
  upstreamCalls: number;
  upstreamCallsEnd: number;
  /** Requests let through from here that the reading does not count yet: checks under way, requests gone ahead (tallied or counting). */
  pending: number;
}

/**
 * What lets a request go on before its rate-limit check on Redis settles (src/http/rate-limit.ts):
 * this instance's last reading of the caller's counters, taken less than a second ago, left the
 * caller under RATE_LIMIT_AHEAD_PERCENT of each limit, counting the checks sent since. Far from its
 * limits a caller's verdict is known before Redis answers; near them every request waits for its
 * own check, so the request that passes a limit is refused as exactly as when every check waits.
 *
 * What it can let through: each instance admits ahead at most that share of a limit at once, so
 * with two instances and the default 50 % a burst cannot pass the limit; with more, or when another
 * instance spent the caller's budget within the last second, by at most that share per instance.
 */
export class CallerReadings {
  private readonly readings = new Map<string, Reading>();
  private readonly requestsAhead: number;
  private readonly upstreamCallsAhead: number;

  constructor(private readonly config: RateLimitConfig) {
    this.requestsAhead = (config.requests * config.aheadPercent) / 100;
    this.upstreamCallsAhead = (config.upstreamCalls * config.aheadPercent) / 100;
  }

  /** Whether a request of this caller may go on before its check settles (asked before sending it). */
  clearlyWithin(key: string, now = performance.now()): boolean {
    const r = this.readings.get(key);
    // RATE_LIMIT_AHEAD_PERCENT=0 needs no case of its own: a share of 0 leaves no room below.
    if (!r || now - r.at > MAX_AGE_MS) return false;
    if (this.config.requests > 0 && (now >= r.requestsEnd || r.requests + r.pending + 1 > this.requestsAhead)) return false;
    if (this.config.upstreamCalls > 0 && (now >= r.upstreamCallsEnd || r.upstreamCalls >= this.upstreamCallsAhead)) return false;
    return true;
  }

  /** A check is sent for this caller: the reading its answer will update. */
  sent(key: string): Reading {
    let r = this.readings.get(key);
    if (!r) {
      r = { at: -Infinity, requests: 0, requestsEnd: 0, upstreamCalls: 0, upstreamCallsEnd: 0, pending: 0 };
      if (this.readings.size >= MAX_CALLERS) this.readings.delete(this.readings.keys().next().value!);
      this.readings.set(key, r);
    }
    r.pending++;
    return r;
  }

  /** The answer of a command that counted `requests` of them (answers come back in the order sent: one connection). */
  answered(r: Reading, counts: CallerCounts, now = performance.now(), requests = 1): void {
    r.pending -= requests;
    const windowEnd = now + this.config.windowSeconds * 1000;
    r.at = now;
    r.requests = counts.requests?.consumed ?? 0;
    r.requestsEnd = counts.requests ? now + counts.requests.msBeforeNext : windowEnd;
    r.upstreamCalls = counts.upstreamCalls?.consumed ?? 0;
    // No counter yet (nothing spent): its window starts with the first spending.
    r.upstreamCallsEnd = counts.upstreamCalls?.msBeforeNext ? now + counts.upstreamCalls.msBeforeNext : windowEnd;
  }

  /** The command that counted `requests` of them failed (Redis unreachable): the caller goes back to waiting for its checks. */
  failed(r: Reading, requests = 1): void {
    r.pending -= requests;
    r.at = -Infinity;
  }

  /** Upstream calls this instance spent for the caller, until the next reading counts them. */
  spent(key: string, calls: number): void {
    const r = this.readings.get(key);
    if (r) r.upstreamCalls += calls;
  }
}
