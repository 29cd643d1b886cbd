import { blockedReasons, dependencyOrder, runWithDependencies, skipAfter, type SkipReason } from '../../../../src/services/encode/schedule';

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

describe('the order a job cuts into slices', () => {
  // 0 links to 3; 2 links to 0; 4 and 5 link to each other; 6 links to 4; 7 links to 1 and to 5.
  const deps = [[3], [], [0], [], [5], [4], [4], [1, 5]];

  it('puts each item after those it depends on, earliest input first, and leaves cycles and what waits on them for the end', async () => {
    expect(await dependencyOrder(deps)).toEqual({ order: [1, 3, 0, 2], blocked: [4, 5, 6, 7] });
  });

  it('skips an item for the first dependency that was not usable, and waits on what is not settled', () => {
    const usable = [false, undefined, undefined, true];
    expect(skipAfter(deps, 2, (j) => usable[j])).toEqual({ kind: 'dependency', on: 0 });
    expect(skipAfter(deps, 0, (j) => usable[j])).toBeNull();
  });

  it('passes a failure on through blocked items, as the run skips dependents; the rest wait on a cycle', () => {
    const failed1 = blockedReasons(deps, [4, 5, 6, 7], (j) => (j === 1 ? false : j < 4 ? true : undefined));
    expect(Object.fromEntries(failed1)).toEqual({ 4: { kind: 'cycle' }, 5: { kind: 'cycle' }, 6: { kind: 'cycle' }, 7: { kind: 'dependency', on: 1 } });
    // 4 also links to 1, which failed: 4, then 5 and 6 through it, are skipped for that dependency.
    const deps2 = [...deps.slice(0, 4), [5, 1], [4], [4], [1, 5]];
    const failed2 = blockedReasons(deps2, [4, 5, 6, 7], (j) => (j === 1 ? false : j < 4 ? true : undefined));
    expect(Object.fromEntries(failed2)).toEqual({ 4: { kind: 'dependency', on: 1 }, 5: { kind: 'dependency', on: 4 }, 6: { kind: 'dependency', on: 4 }, 7: { kind: 'dependency', on: 1 } });
  });
});
