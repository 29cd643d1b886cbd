import { measureStreaming } from '../support/gdc-streaming';

/**
 * A 200 MB document through a gateway process (issue 9): it goes upstream whole, the gateway's
 * RSS stays under 300 MB, and other callers keep getting answers in under 50 ms meanwhile. These
 * figures need the machine to themselves, so test/measure runs alone, after the other tests.
 */
describe('a 200 MB GDC document through the gateway', () => {
  it.each(['tsv', 'json'] as const)('%s: streamed upstream with RSS < 300 MB and other callers answered in < 50 ms', async (format) => {
    const f = await measureStreaming({ format, bytes: 200_000_000 });
    console.log(`${format}: ${JSON.stringify(f)}`);
    expect(f.bytes).toBeGreaterThanOrEqual(195_000_000);
    expect(f.success).toBe(true);
    expect(f.created).toBe(f.entities);
    expect(f.peakRssMb).toBeLessThan(300);
    expect(f.probes).toBeGreaterThan(50);
    expect(f.p99ProbeMs).toBeLessThan(50);
  }, 300_000);
});
