import { cases } from '../hostile/cases/federation';
import { type HostileGateway, type HostileReport, startHostileGateway } from '../support/hostile';

// Issue 18's bar for the hostile `_entities` calls of issue 15 (test/hostile/cases/federation.ts).
let gateway: HostileGateway;
const reports = new Map<string, HostileReport>();

beforeAll(async () => {
  gateway = await startHostileGateway();
  for (const c of cases) reports.set(c.name, await gateway.run(c));
}, 600_000);
afterAll(() => gateway?.stop());

const EXPECTED: Record<string, { status: number; code: string }> = {
  // 10,001 items in one list argument: refused by MAX_LIST_ITEMS (the JSON shape limit) before _entities sees them.
  'federation: 10,001 representations': { status: 400, code: 'LIMIT_EXCEEDED' },
  'federation: 10,000 unknown types': { status: 200, code: 'BAD_USER_INPUT' },
  'federation: 10,000 GDC projects': { status: 200, code: 'BAD_USER_INPUT' },
};

describe('hostile _entities calls', () => {
  it('has an expectation for every case', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s: refused with the right code, memory back, another caller served, alive', (name) => {
    const r = reports.get(name)!;
    expect({ status: r.outcome.status, code: r.outcome.code }).toEqual(EXPECTED[name]);
    expect(r.rssGrowthMb).toBeLessThan(256);
    expect(r.probe.count).toBeGreaterThan(0);
    expect(r.probe.p99Ms).toBeLessThan(100);
    expect(r.alive).toBe(true);
  });
});
