import { retryAfterMs } from '../../../src/datasources/deadline';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-06T20:00:00Z');
  it('reads delay-seconds and HTTP dates (RFC 9110)', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(['2'], now)).toBe(2000);
    expect(retryAfterMs('Sun, 06 Dec 2026 20:00:30 GMT', now)).toBe(30_000);
    // A date already past: retry now (after the usual backoff).
    expect(retryAfterMs('Sun, 06 Dec 2026 19:00:00 GMT', now)).toBe(0);
  });
  it('ignores what is absent or unreadable', () => {
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('', now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
  });
});
