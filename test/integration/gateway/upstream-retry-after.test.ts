import { performance } from 'node:perf_hooks';
import { startStack, type Stack } from '../../support/stack';

const RECORD = 'query R($id: ID!) { encodeRecord(id: $id) }';

/** The upstream's own Retry-After (429/503) sets the wait before a read is retried (src/datasources/http.ts). */
describe("upstream Retry-After", () => {
  let stack: Stack;
  const faults = () => stack.sandbox.encode!.emulator.faults;

  beforeAll(async () => {
    stack = await startStack({});
    await stack.gql(RECORD, { id: 'sandbox-lab:warm-up' });
  });
  afterAll(() => stack.stop());
  afterEach(() => faults().clear());

  it.each([429, 503])('a read answered %d with Retry-After: 1 is retried after at least 1 s, then answers', async (status) => {
    faults().set([{ method: 'GET', path: '^/', errorRate: 1, status, retryAfter: 1, times: 1 }]);
    const started = performance.now();
    const res = await stack.gql(RECORD, { id: 'sandbox-lab:retry-after' });
    const elapsed = performance.now() - started;
    expect(faults().list()[0].applied).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    // The retry reached the portal: the record is simply not there (not an upstream 429/503).
    expect(JSON.stringify(res.errors ?? [])).not.toMatch(/429|503|RATE|UNAVAILABLE/);
  });

  it('a Retry-After beyond the deadline is not waited: the caller hears of it now', async () => {
    faults().set([{ method: 'GET', path: '^/', errorRate: 1, status: 429, retryAfter: 3600, times: 1 }]);
    const started = performance.now();
    const res = await stack.gql(RECORD, { id: 'sandbox-lab:retry-later' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.errors?.length).toBeGreaterThan(0);
  });
});
