import { performance } from 'node:perf_hooks';

/**
 * Long loops over a batch give the event loop back every few milliseconds, so that one request
 * of 500 records never keeps other callers waiting (an await of a resolved promise does not).
 * Loops that run side by side may share one: they wait for the same turn, and the slice after it
 * is theirs together (each resetting the clock as it resumed gave 16 parallel workers 16 slices
 * in one turn: 130-200 ms).
 */
export class TimeSlices {
  private started = performance.now();
  private turn: Promise<void> | null = null;

  constructor(private readonly sliceMs = 8) {}

  async pause(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    this.turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turn = null;
        this.started = performance.now();
        resolve();
      }),
    );
    await this.turn;
  }
}
