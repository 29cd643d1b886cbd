import { performance } from 'node:perf_hooks';

/**
 * Long loops over a batch give the event loop back every few milliseconds, so that one request
 * of 500 records never keeps other callers waiting (an await of a resolved promise does not).
 * Loops that run side by side may share one: together they give it back as often as one would.
 */
export class TimeSlices {
  private started = performance.now();

  constructor(private readonly sliceMs = 8) {}

  async pause(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}
