import { type HostileGateway, type HostileReport, startHostileGateway } from '../support/hostile';
import { cases, WIDE_DEADLINE_MS } from '../hostile/cases/sandbox';

/**
 * Issue 18, "Sandbox apart": heavy requests for the embedded emulators, sent through a gateway in
 * the default mode (no upstream URLs), must not stall the gateway: the emulators run in a child
 * process. Per case: the sandbox's answer, another caller's p99 < 100 ms meanwhile, RSS growth of
 * the gateway < 256 MB after a full GC, and the gateway alive afterwards.
 */
jest.setTimeout(900_000);

const byName = (name: string) => cases.find((c) => c.name.includes(name))!;

async function measure(name: string): Promise<HostileReport> {
  const c = byName(name);
  let gateway: HostileGateway | undefined;
  try {
    gateway = await startHostileGateway(c.env);
    return await gateway.run(c);
  } finally {
    await gateway?.stop();
  }
}

function expectGatewayUnharmed(report: HostileReport, minProbes = 50): void {
  // Enough probes to make a p99 mean something while the attack lasts seconds.
  expect(report.probe.count).toBeGreaterThan(minProbes);
  expect(report.probe.p99Ms).toBeLessThan(100);
  expect(report.rssGrowthMb).toBeLessThan(256);
  expect(report.alive).toBe(true);
}

describe('hostile: the embedded sandbox works off the gateway event loop', () => {
  it('a 20,000-row GDC dry run: the sandbox validates every row, the gateway keeps answering', async () => {
    const report = await measure('20k rows');
    expect(report.outcome.status).toBe(200);
    expect(report.outcome.code).toBeUndefined();
    expect(report.outcome.detail).toMatchObject({ success: true, dryRun: true, createdCount: 20_000, errorCount: 0 });
    expectGatewayUnharmed(report);
  });

  it('a 1.3 MB GDC TSV with 100,000 columns at MAX_COLUMNS=200,000: read and sent up by the gateway in pieces, the gateway keeps answering', async () => {
    const report = await measure('100k columns');
    expect(report.outcome.status).toBe(200);
    // The emulator read all 100,000 columns (it follows the gateway's MAX_COLUMNS) and refused the one case.
    expect(report.outcome.detail).toMatchObject({ success: false, dryRun: true, errorCount: 1, message: 'Transaction aborted due to 1 invalid entity.' });
    expectGatewayUnharmed(report);
  });
});
