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
