import { TimeSlices } from '../../src/time-slices';

/** Busy for `ms` of wall time (what a slice is measured in). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Runs `loops` loops side by side, each of `items` items of 1 ms with a pause before each, and
 * returns the most items done between two turns of the event loop. Counted in items rather than
 * milliseconds, so a busy machine (which stretches every turn) does not change the answer.
 */
async function mostItemsPerTurn(slices: TimeSlices, loops: number, items: number): Promise<number> {
  let sinceTurn = 0;
  let most = 0;
  let running = true;
  const tick = () => {
    sinceTurn = 0;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const loop = async () => {
    for (let i = 0; i < items; i++) {
      await slices.pause();
      busy(1);
      most = Math.max(most, ++sinceTurn);
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  running = false;
  return most;
}

describe('TimeSlices', () => {
  it('gives the event loop a turn after each slice of one loop', async () => {
    // An 8 ms slice of 1 ms items, and the item that ends it: never the loop's 100.
    expect(await mostItemsPerTurn(new TimeSlices(8), 1, 100)).toBeLessThanOrEqual(9);
  });

  it('shares one slice per turn among 16 loops side by side (not a slice each)', async () => {
    // A slice and one item of each other loop (8 + 16); a slice each would be 16 x 8 = 128.
    expect(await mostItemsPerTurn(new TimeSlices(8), 16, 20)).toBeLessThanOrEqual(26);
  });
});
