import { runLoad } from '../../bench/load';
import { verdict } from '../../bench/load-main';

/** The 10 s form of `npm run bench:load`: 100 clients of reads and writes on a real gateway process. */
it('serves 100 clients for 10 s with no 5xx, no lost or duplicated write, and bounded memory', async () => {
  const r = await runLoad({ durationS: 10, connections: 100 });
  console.log(`load: ${JSON.stringify(r)}`);
  expect(verdict(r)).toEqual([]);
  expect(r.status5xx).toBe(0);
  expect(r.errors).toBe(0);
  expect(r.lost).toBe(0);
  expect(r.duplicated).toBe(0);
  expect(r.unreported).toBe(0);
  // Throughput depends on the machine (2 shared cores in CI): enough traffic to mean something.
  expect(r.requests).toBeGreaterThan(200);
  expect(r.writesSucceeded).toBeGreaterThan(50);
  // Every write answered success is upstream exactly once; beyond those, only writes still running
  // when the clients stopped waiting may have landed.
  expect(r.recordsFound).toBeGreaterThanOrEqual(r.writesSucceeded);
  expect(r.recordsFound - r.writesSucceeded).toBeLessThanOrEqual(r.cutOff);
  expect(r.rssAfterMb).toBeLessThanOrEqual(1.5 * r.rssBeforeMb);
}, 180_000);
