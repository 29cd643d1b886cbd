import { formatReport, type HostileGateway, startHostileGateway } from '../support/hostile';
import { cases } from '../hostile/cases/entity-errors';

/**
 * Entity errors worded from upstream messages that echo hostile values (issues 13 and 18), against
 * a production-mode gateway process on the embedded sandbox: each case answered with the right
 * code, memory back within 256 MB over idle after a full GC, another caller's p99 under 100 ms
 * meanwhile, the process alive afterwards.
 */
const groups = new Map<string, typeof cases>();
for (const c of cases) {
  const key = JSON.stringify(c.env ?? {});
  groups.set(key, [...(groups.get(key) ?? []), c]);
}

describe.each([...groups.entries()])('hostile entity errors, gateway env %s', (env, group) => {
  let gateway: HostileGateway;
  beforeAll(async () => {
    gateway = await startHostileGateway(JSON.parse(env) as Record<string, string>);
  }, 120_000);
  afterAll(() => gateway?.stop());

  it.each(group.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const report = await gateway.run(c);
    console.log(formatReport(report));
    expect(report.outcome.code).toBe(c.expected.code);
    if (c.expected.limit) expect(report.outcome.limit).toBe(c.expected.limit);
    expect(report.rssGrowthMb).toBeLessThan(256);
    expect(report.probe.count).toBeGreaterThan(0);
    expect(report.probe.p99Ms).toBeLessThan(100);
    expect(report.alive).toBe(true);
  }, 120_000);
});
