import { cases, expected, FLOOD, SOCKETS } from '../hostile/cases/ws';
import { formatReport, type HostileGateway, startHostileGateway } from '../support/hostile';

/**
 * Hostile GraphQL over WebSocket (issue 18) against a production-mode gateway at the defaults:
 * each case's refusal (HTTP 429 naming MAX_WS_CONNECTIONS_PER_CALLER, LIMIT_EXCEEDED error
 * every subscribe of a burst answered, close codes 4408 and 1009), RSS growth under
 * 256 MB over idle after a full GC, another caller's p99 under 100 ms meanwhile, alive afterwards.
 */
describe('hostile WebSocket inputs', () => {
  let gateway: HostileGateway;
  beforeAll(async () => {
    gateway = await startHostileGateway();
  }, 120_000);
  afterAll(() => gateway?.stop());

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const report = await gateway.run(c);
    console.log(formatReport(report), JSON.stringify(report.outcome.detail));
    const want = expected[name];
    expect({ status: report.outcome.status, code: report.outcome.code, limit: report.outcome.limit }).toEqual({ status: want.status, code: want.code, limit: want.limit });
    if (name.startsWith(`${SOCKETS} `)) expect(report.outcome.detail).toEqual({ open: 64, refused: SOCKETS - 64 });
    if (name.startsWith(`${FLOOD} `)) expect(report.outcome.detail).toEqual({ answered: FLOOD });
    expect(report.rssGrowthMb).toBeLessThan(256);
    expect(report.probe.count).toBeGreaterThan(0);
    expect(report.probe.p99Ms).toBeLessThan(100);
    expect(report.alive).toBe(true);
  }, 300_000);
});
