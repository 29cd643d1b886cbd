import { runWithDependencies, type SkipReason } from '../../../../src/services/encode/schedule';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runWithDependencies', () => {
  it('keeps at most `limit` in flight and starts the earliest input first', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    await runWithDependencies(
      Array.from({ length: 20 }, () => []),
      4,
      async (i) => {
        started.push(i);
        peak = Math.max(peak, ++inFlight);
        await tick(5);
        inFlight--;
        return true;
      },
      () => undefined,
    );
    expect(peak).toBe(4);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('starts a record only after the records it links to finished', async () => {
    const finished: number[] = [];
    const startedAfter: Record<number, number[]> = {};
    // 0 links to 2, 2 links to 3; 1 is free.
    await runWithDependencies([[2], [], [3], []], 8, async (i) => {
      startedAfter[i] = [...finished];
      await tick(2);
      finished.push(i);
      return true;
    }, () => undefined);
    expect(startedAfter[2]).toContain(3);
    expect(startedAfter[0]).toEqual(expect.arrayContaining([2, 3]));
    expect(finished.sort()).toEqual([0, 1, 2, 3]);
  });

  it('skips the records that link to one that failed, and those in a cycle', async () => {
    const skipped: [number, SkipReason][] = [];
    const ran: number[] = [];
    await runWithDependencies(
      [[], [0], [1], [4], [3], []],
      2,
      async (i) => {
        ran.push(i);
        return i !== 0;
      },
      (i, reason) => skipped.push([i, reason]),
    );
    expect(ran.sort()).toEqual([0, 5]);
    expect(skipped).toEqual(
      expect.arrayContaining([
        [1, { kind: 'dependency', on: 0 }],
        [2, { kind: 'dependency', on: 1 }],
        [3, { kind: 'cycle' }],
        [4, { kind: 'cycle' }],
      ]),
    );
    expect(skipped).toHaveLength(4);
  });

  it('starts nothing new once stopped', async () => {
    let stop = false;
    const ran: number[] = [];
    const skipped: number[] = [];
    await runWithDependencies(
      Array.from({ length: 10 }, () => []),
      2,
      async (i) => {
        ran.push(i);
        if (i === 1) stop = true;
        await tick(1);
        return true;
      },
      (i, reason) => {
        expect(reason).toEqual({ kind: 'stopped' });
        skipped.push(i);
      },
      () => stop,
    );
    expect(ran).toEqual([0, 1]);
    expect(skipped).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
