import { performance } from 'node:perf_hooks';

/**
 * The worst time this process's event loop was kept from running a 2 ms timer while `work` ran,
 * and how long `work` took. The machine is shared, so a late timer may only mean the process was
 * not scheduled: a gap counts as a stall for the CPU time the process spent in it (the smaller of
 * wall and CPU time).
 */
export async function worstStallDuring<T>(work: () => Promise<T>): Promise<{ value: T; worstMs: number; elapsedMs: number }> {
  let worst = 0;
  let last = { wall: performance.now(), cpu: process.cpuUsage() };
  const timer = setInterval(() => {
    const now = { wall: performance.now(), cpu: process.cpuUsage() };
    const cpuMs = (now.cpu.user - last.cpu.user + now.cpu.system - last.cpu.system) / 1000;
    worst = Math.max(worst, Math.min(now.wall - last.wall, cpuMs));
    last = now;
  }, 2);
  const started = performance.now();
  try {
    const value = await work();
    return { value, worstMs: worst, elapsedMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}
