import { measureStreaming, type StreamingFigures } from '../support/gdc-streaming';

/** An idle process answering slower than this (p99) means the machine is too busy (other work) to judge a 50 ms bound. */
const QUIET_P99_MS = 15;

/**
 * A 200 MB document through a gateway process (issue 9): it goes upstream whole, the gateway's
 * RSS stays under 300 MB, and other callers keep getting answers in under 50 ms meanwhile. These
 * figures need the machine to themselves, so test/measure runs alone, after the other tests.
 *
 * Whether the machine was quiet is judged by idle processes, not by the gateway: the idle gateway
 * just before the upload, and an idle control server probed alongside the gateway during it. A
 * run on a busy machine is repeated (up to 3 times); if none is quiet, the quietest (by the
 * control) is judged by what the machine allowed then: the gateway may add at most 50 ms to the
 * control's p99. Memory and completeness are checked on every run.
 */
describe('a 200 MB GDC document through the gateway', () => {
  it.each(['tsv', 'json'] as const)('%s: streamed upstream with RSS < 300 MB and other callers answered in < 50 ms', async (format) => {
    const runs: StreamingFigures[] = [];
    const quiet = (f: StreamingFigures) => f.idleP99ProbeMs <= QUIET_P99_MS && f.controlP99ProbeMs <= QUIET_P99_MS;
    while (runs.length < 3 && !runs.some(quiet)) {
      if (runs.length) await new Promise((r) => setTimeout(r, 5000));
      const f = await measureStreaming({ format, bytes: 200_000_000 });
      console.log(`${format}: ${JSON.stringify(f)}`);
      expect(f.bytes).toBeGreaterThanOrEqual(200_000_000);
      expect(f.success).toBe(true);
      expect(f.created).toBe(f.entities);
      expect(f.peakRssMb).toBeLessThan(300);
      expect(f.probes).toBeGreaterThan(50);
      runs.push(f);
    }
    const judged = runs.find(quiet) ?? [...runs].sort((a, b) => a.controlP99ProbeMs - b.controlP99ProbeMs)[0];
    expect(judged.p99ProbeMs).toBeLessThan(quiet(judged) ? 50 : judged.controlP99ProbeMs + 50);
  }, 600_000);
});
