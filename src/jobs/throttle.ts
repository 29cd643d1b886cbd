import { type JobModel, TERMINAL_STATES } from './updates';

/** How often a watcher hears of a job: at most every `minIntervalMs`, at least every `keepaliveMs` while it runs. */
export interface ThrottleTiming {
  minIntervalMs: number;
  keepaliveMs: number;
}

/** Issue 16: an event at most every 250 ms and at least every 5 s while running. */
export const JOB_PROGRESS_TIMING: ThrottleTiming = { minIntervalMs: 250, keepaliveMs: 5000 };

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * The events a watcher of one job gets: `first` at once, then the latest change (intermediate ones
 * are dropped: latest wins) no sooner than `minIntervalMs` after the previous event, the latest
 * again after `keepaliveMs` of silence, and the terminal state as the last event. A hand-written
 * iterator rather than an async generator because `return()` (the client went away) must
 * unsubscribe at once, even while a wait is pending; a generator would only notice at its next yield.
 */
export function throttleJob(
  first: JobModel,
  subscribe: (listener: (job: JobModel) => void) => () => void,
  timing: ThrottleTiming = JOB_PROGRESS_TIMING,
): AsyncIterableIterator<JobModel> {
  let latest = first;
  let fresh = false;
  let started = false;
  let finished = false;
  let sentAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | null = null;
  const unsubscribe = subscribe((job) => {
    if (finished) return;
    latest = job;
    fresh = true;
    wake?.();
  });
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    wake?.();
  };
  const send = (job: JobModel): IteratorYieldResult<JobModel> => {
    fresh = false;
    sentAt = Date.now();
    if (TERMINAL_STATES.has(job.state)) finish();
    return { value: job, done: false };
  };
  return {
    async next(): Promise<IteratorResult<JobModel>> {
      if (!started) {
        started = true;
        if (finished) return DONE;
        return send(first);
      }
      for (;;) {
        if (finished) return DONE;
        const wait = sentAt + (fresh ? timing.minIntervalMs : timing.keepaliveMs) - Date.now();
        if (wait <= 0) return send(latest);
        await new Promise<void>((resolve) => {
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve();
          };
          timer = setTimeout(wake, wait);
        });
      }
    },
    async return(): Promise<IteratorResult<JobModel>> {
      finish();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
