import { cases } from '../hostile/cases/cursors';
import { formatReport, type HostileGateway, startHostileGateway } from '../support/hostile';

/**
 * Hostile connection arguments (issue 14) against a production-mode gateway process on the
 * embedded sandbox: each refused with the right code and no upstream call, memory back within
 * 256 MB over idle after a full GC, another caller's p99 under 100 ms meanwhile, alive afterwards.
 */
describe('hostile cursors', () => {
  let gateway: HostileGateway;
  beforeAll(async () => {
    gateway = await startHostileGateway(cases[0].env);
  }, 120_000);
  afterAll(() => gateway?.stop());

  it('every case shares one gateway environment', () => {
    expect(new Set(cases.map((c) => JSON.stringify(c.env))).size).toBe(1);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const report = await gateway.run(c);
    console.log(formatReport(report));
    expect({ code: report.outcome.code, limit: report.outcome.limit }).toEqual({ code: c.expected.code, limit: c.expected.limit });
    expect(report.outcome.detail).toEqual({ upstreamCalls: 0 });
    expect(report.rssGrowthMb).toBeLessThan(256);
    expect(report.probe.count).toBeGreaterThan(0);
    expect(report.probe.p99Ms).toBeLessThan(100);
    expect(report.alive).toBe(true);
  }, 120_000);
});
