import { type HostileCase, type HostileGateway, type HostileReport, startHostileGateway } from './hostile';

/**
 * The hostile measure suites' one shape (issue 18): cases grouped by gateway environment, one
 * production-mode gateway per group, and for each case the bounds every hostile case keeps — RSS
 * growth under 256 MB over idle after a full GC, another caller probed with p99 under 100 ms
 * meanwhile, the gateway alive afterwards — after `check`, the case's own expectations.
 */
export function describeHostile<C extends HostileCase>(
  title: string,
  cases: C[],
  options: { log(report: HostileReport): string; check(report: HostileReport, c: C): void; timeoutMs?: number },
): void {
  const groups = new Map<string, C[]>();
  for (const c of cases) {
    const key = JSON.stringify(c.env ?? {});
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  describe.each([...groups.entries()])(`${title}, gateway env %s`, (env, group) => {
    let gateway: HostileGateway;
    beforeAll(async () => {
      gateway = await startHostileGateway(JSON.parse(env) as Record<string, string>);
    }, 120_000);
    afterAll(() => gateway?.stop());

    it.each(group.map((c) => [c.name, c] as const))(
      '%s',
      async (_name, c) => {
        const report = await gateway.run(c);
        console.log(options.log(report));
        options.check(report, c);
        expect(report.rssGrowthMb).toBeLessThan(256);
        expect(report.probe.count).toBeGreaterThan(0);
        expect(report.probe.p99Ms).toBeLessThan(100);
        expect(report.alive).toBe(true);
      },
      options.timeoutMs,
    );
  });
}
