import { performance } from 'node:perf_hooks';

/** The median time of `rounds` runs of `fn` in milliseconds, after one warm-up run. */
export async function medianMs(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

/**
 * Each function once per round, in turn, after one warm-up round: every kind sees the same load
 * drift of a shared machine, so their percentiles can be compared. The order turns by one each
 * round, so none always runs first (after an idle gap) or right after a given other. Times in ms, sorted.
 */
export async function interleavedMs<K extends string>(rounds: number, fns: Record<K, () => Promise<unknown>>): Promise<Record<K, number[]>> {
  const names = Object.keys(fns) as K[];
  for (const name of names) await fns[name]();
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t = performance.now();
      await fns[name]();
      times[name].push(performance.now() - t);
    }
  }
  for (const name of names) times[name].sort((a, b) => a - b);
  return times;
}

/** The p-th percentile (0..1) of sorted times, nearest rank. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** The time covered by a set of [start, end] intervals. */
export function coveredMs(intervals: [number, number][]): number {
  let total = 0;
  let until = -Infinity;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (end <= until) continue;
    total += end - Math.max(start, until);
    until = end;
  }
  return total;
}
