import { startStack, type Stack } from '../../support/stack';

const TIMEOUT_MS = 1_000;

/** UPSTREAM_TIMEOUT_MS is a deadline for a whole call: reads retry only within it. Faults from the sandbox's switch. */
describe('upstream deadline and retries', () => {
  let stack: Stack;
  const faults = () => stack.sandbox.encode!.emulator.faults;
  beforeAll(async () => {
    stack = await startStack({}, { upstreamTimeoutMs: TIMEOUT_MS });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.sandbox.encode!.requests.reset());
  afterEach(() => faults().clear());

  async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
    const t = Date.now();
    const value = await fn();
    return [value, Date.now() - t];
  }

  it('gives up on a hung upstream at the deadline, not at three times it', async () => {
    faults().set([{ method: 'GET', path: '^/profiles/', hang: true }]);
    const [res, ms] = await timed(() => stack.gql('{ encodeProfile(name: "lab") }'));
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'ENCODE', reason: 'timeout', timeoutMs: TIMEOUT_MS });
    expect(res.errors?.[0].message).toMatch(/no answer within UPSTREAM_TIMEOUT_MS \(1000 ms\)/);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    // Three attempts of a full timeout each would take 3 s; margin for a busy machine.
    expect(ms).toBeLessThan(2 * TIMEOUT_MS);
  });

  it('retries a read after 503s and answers; every attempt is counted', async () => {
    faults().set([{ method: 'GET', path: '^/profiles/', errorRate: 1, status: 503, times: 2 }]);
    const res = await stack.gql('{ encodeProfile(name: "lab") }');
    expect(res.errors).toBeUndefined();
    expect(res.data.encodeProfile).toMatchObject({ title: expect.any(String) });
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 3, GDC: 0 });
    expect(stack.sandbox.encode!.requests.entries.map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('cuts a retry short at the deadline: the whole call never outlasts UPSTREAM_TIMEOUT_MS', async () => {
    // 600 ms to a 503, then a retry after a short backoff, which the deadline aborts at 1 s.
    faults().set([{ method: 'GET', path: '^/profiles/', latencyMs: 600, errorRate: 1, status: 503 }]);
    const [res, ms] = await timed(() => stack.gql('{ encodeProfile(name: "lab") }'));
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', reason: 'timeout', attempts: 2 });
    expect(faults().list()[0].applied).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    // Three attempts of a full timeout each would take 3 s; margin for a busy machine.
    expect(ms).toBeLessThan(2 * TIMEOUT_MS);
  });

  it('never retries a write blindly after a reset: it is sent again only once its alias proved it absent', async () => {
    faults().set([{ method: 'POST', path: '^/biosample', reset: true }]);
    const q = `mutation { createEntities(input: { source: ENCODE, profile: "biosample", entities: [{ award: "UM1HG000000", lab: "sandbox-lab",
      organism: "human", source: "atcc", biosample_ontology: "cell_line_EFO_0001203", aliases: ["sandbox-lab:reset-1"] }] }) { success entities { action errors { type message } warnings } } }`;
    const res = await stack.gql(q);
    // The HTTP layer never re-sends a write; registration re-sends a POST only after reading the
    // record's alias from the database and finding nothing (so it cannot create it twice).
    expect(faults().list()[0].applied).toBe(2);
    const log = stack.sandbox.encode!.requests.entries.map((e) => `${e.method} ${decodeURIComponent(e.path)}`);
    const posts = log.flatMap((l, i) => (l.startsWith('POST') ? [i] : []));
    expect(log.slice(posts[0], posts[1]).some((l) => l === 'GET /sandbox-lab:reset-1/')).toBe(true);
    expect(res.data.createEntities.success).toBe(false);
    expect(res.data.createEntities.entities[0].errors[0]).toMatchObject({ type: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/Not created.*sandbox-lab:reset-1/) });
  });
});
