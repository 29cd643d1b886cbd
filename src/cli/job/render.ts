/** A job as the `job` commands read it (the fields they ask for). */
export interface JobView {
  id: string;
  kind: string;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  error: string | null;
  progress: { total: number | null; done: number; succeeded: number; failed: number; etaSeconds: number | null; message: string | null };
}

export const JOB_VIEW_FIELDS = 'id kind state error progress { total done succeeded failed etaSeconds message }';

const TERMINAL = new Set<JobView['state']>(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export const isTerminal = (job: JobView): boolean => TERMINAL.has(job.state);

/** Exit codes of `job status|watch`: 0 succeeded, 1 failed or cancelled, 3 not finished yet (2 is usage / not found). */
export const EXIT_NOT_FINISHED = 3;

export function exitCodeOf(job: JobView): number {
  if (job.state === 'SUCCEEDED') return 0;
  return isTerminal(job) ? 1 : EXIT_NOT_FINISHED;
}

/** "120 of 300" (or "120 of ?" before the job has counted its rows). */
export function count(job: JobView): string {
  return `${job.progress.done} of ${job.progress.total ?? '?'}`;
}

export function eta(seconds: number | null): string {
  if (seconds === null) return '?';
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** One line: state, n of N, outcome counts, ETA while it runs, then its message or error. */
export function line(job: JobView): string {
  const p = job.progress;
  const parts = [`${job.state} ${count(job)} (${p.succeeded} succeeded, ${p.failed} failed)`];
  if (!isTerminal(job)) parts.push(`ETA ${eta(p.etaSeconds)}`);
  if (p.message) parts.push(p.message);
  if (job.error) parts.push(`error: ${job.error}`);
  return parts.join(', ');
}

/** `job status`: the job's id and kind, then its line. */
export function statusText(job: JobView): string {
  return `job ${job.id} (${job.kind}): ${line(job)}\n`;
}
