/** What a job waiting for a free run knows of the queue in front of it. */
export interface Backlog {
  /** Jobs running now (on every instance, for the shared queue). */
  running: number;
  /** Jobs queued before this one. */
  ahead: number;
  /** Instances whose workers take jobs (1 for a gateway's own queue). */
  workers: number;
  /** MAX_RUNNING_JOBS (of each instance). */
  maxRunning: number;
}

/**
 * JobProgress.message of a job waiting because every worker is busy: one wording for a gateway's
 * own queue (runner.ts) and the queue every instance shares (REDIS_URL, bull-queue.ts).
 */
export function waitingForWorker({ running, ahead, workers, maxRunning }: Backlog): string {
  if (workers === 0) return `Waiting for a worker (${ahead} job(s) ahead): no gateway's worker is taking jobs yet.`;
  const where = workers === 1 ? 'this gateway runs' : `the ${workers} gateways run`;
  return `Waiting for a worker (${ahead} job(s) ahead): ${running} job(s) are running, as many as ${where} at once (MAX_RUNNING_JOBS=${maxRunning}${workers === 1 ? '' : ' each'}).`;
}

/** True when a job added now would wait: every worker is running as many jobs as it takes. */
export const everyWorkerBusy = (b: Backlog) => b.ahead > 0 || b.running >= b.workers * b.maxRunning;
