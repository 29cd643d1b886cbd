import { cases, expected } from '../hostile/cases/graphql';
import { type HostileGateway, startHostileGateway } from '../support/hostile';

/**
 * Hostile GraphQL/JSON inputs at the sizes (issue 18), each against a production-mode
 * gateway process: the right refusal, RSS growth < 256 MB after a full GC, another caller's p99
 * under 100 ms meanwhile, and the gateway alive afterwards.
 */
const groups = new Map<string, typeof cases>();
for (const c of cases) {
  const key = JSON.stringify(c.env ?? {});
  groups.set(key, [...(groups.get(key) ?? []), c]);
}

describe.each([...groups.entries()])('hostile GraphQL inputs, gateway env %s', (env, group) => {
  let gateway: HostileGateway;
  beforeAll(async () => {
    gateway = await startHostileGateway(JSON.parse(env) as Record<string, string>);
  }, 120_000);
  afterAll(() => gateway?.stop());

  it.each(group.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const report = await gateway.run(c);
    console.log(JSON.stringify(report, (k, v) => (k === 'detail' ? undefined : v)));
    const want = expected[name];
    expect({ status: report.outcome.status, code: report.outcome.code, limit: report.outcome.limit }).toEqual({ status: want.status, code: want.code, limit: want.limit });
    if (want.answer) expect(report.outcome.detail).toMatch(want.answer);
    expect(report.rssGrowthMb).toBeLessThan(256);
    expect(report.probe.count).toBeGreaterThan(0);
    expect(report.probe.p99Ms).toBeLessThan(100);
    expect(report.alive).toBe(true);
  }, 300_000);
});
