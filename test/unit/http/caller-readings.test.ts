import type { RateLimitConfig } from '../../../src/config';
import { CallerReadings } from '../../../src/http/caller-readings';

const config = (overrides: Partial<RateLimitConfig> = {}): RateLimitConfig => ({ requests: 10, upstreamCalls: 0, windowSeconds: 60, aheadPercent: 50, ...overrides });
/** What one check answered: requests counted, upstream calls spent, and the ms left in each window. */
const counts = (requests: number | null, upstreamCalls: number | null, msBeforeNext = 60_000) => ({
  requests: requests === null ? null : { consumed: requests, msBeforeNext },
  upstreamCalls: upstreamCalls === null ? null : { consumed: upstreamCalls, msBeforeNext },
});

describe('CallerReadings: may a request go on before its rate-limit check settles', () => {
  it('never for a caller not read yet, nor for one whose check failed', () => {
    const readings = new CallerReadings(config());
    expect(readings.clearlyWithin('c', 0)).toBe(false);
    const r = readings.sent('c');
    expect(readings.clearlyWithin('c', 0)).toBe(false);
    readings.answered(r, counts(1, null), 0);
    expect(readings.clearlyWithin('c', 1)).toBe(true);
    readings.failed(readings.sent('c'));
    expect(readings.clearlyWithin('c', 2)).toBe(false);
  });

  it('while the last reading plus the checks still under way stay within RATE_LIMIT_AHEAD_PERCENT of the requests limit', () => {
    const readings = new CallerReadings(config());
    readings.answered(readings.sent('c'), counts(1, null), 0);
    // 10 requests at 50%: up to 5 counted, this one included.
    const ahead: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      ahead.push(readings.clearlyWithin('c', 1));
      readings.sent('c');
    }
    expect(ahead).toEqual([true, true, true, true, false, false]);
    expect(readings.clearlyWithin('other', 1)).toBe(false);
  });

  it('not once half the upstream calls are spent, counting what this instance spent since the reading', () => {
    const readings = new CallerReadings(config({ requests: 0, upstreamCalls: 10 }));
    readings.answered(readings.sent('c'), counts(null, 3), 0);
    expect(readings.clearlyWithin('c', 1)).toBe(true);
    readings.spent('c', 1);
    expect(readings.clearlyWithin('c', 1)).toBe(true);
    readings.spent('c', 1);
    expect(readings.clearlyWithin('c', 1)).toBe(false);
    // No counter yet in Redis (nothing spent, no time left in it): its window starts with the first spending, not over.
    readings.answered(readings.sent('d'), counts(null, 0, 0), 0);
    expect(readings.clearlyWithin('d', 999)).toBe(true);
  });

  it('not on a reading older than a second, nor past the end of its window', () => {
    const readings = new CallerReadings(config());
    readings.answered(readings.sent('c'), counts(1, null, 500), 1_000);
    expect(readings.clearlyWithin('c', 1_499)).toBe(true);
    expect(readings.clearlyWithin('c', 1_500)).toBe(false);
    readings.answered(readings.sent('c'), counts(1, null), 10_000);
    expect(readings.clearlyWithin('c', 11_000)).toBe(true);
    expect(readings.clearlyWithin('c', 11_001)).toBe(false);
  });

  it('never with RATE_LIMIT_AHEAD_PERCENT=0', () => {
    const readings = new CallerReadings(config({ aheadPercent: 0, requests: 1_000_000 }));
    readings.answered(readings.sent('c'), counts(1, null), 0);
    expect(readings.clearlyWithin('c', 1)).toBe(false);
  });

  it('keeps at most 10,000 callers, dropping the oldest', () => {
    const readings = new CallerReadings(config());
    readings.answered(readings.sent('first'), counts(1, null), 0);
    for (let i = 0; i < 10_000; i++) readings.answered(readings.sent(`caller-${i}`), counts(1, null), 0);
    expect(readings.clearlyWithin('first', 1)).toBe(false);
    expect(readings.clearlyWithin('caller-0', 1)).toBe(true);
    expect(readings.clearlyWithin('caller-9999', 1)).toBe(true);
  });
});
