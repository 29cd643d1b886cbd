import type { Backlog } from './waiting';

/**
 * Runs job `id` on this instance; `lost()` turns true when another instance may have taken it
 * over (the lock lapsed), asked after each slice, before the next is sent. Says whether the job
 * ended or was interrupted (drain, lost lock) with its state left RUNNING for another run to continue.
 */
export type SharedRun = (id: string, lost: () => Promise<boolean>) => Promise<'ended' | 'interrupted'>;

/**
 * Where jobs wait to run when several instances share them (REDIS_URL: BullMQ, bull-queue.ts).
 * Without it the runner keeps its own queue in the process (runner.ts).
 */
export interface SharedJobQueue {
  /** Hands the job to the first free worker of any instance. */
  add(id: string): Promise<void>;
  /** Jobs running and waiting on every instance, and how many workers take them (null when Redis cannot say). */
  backlog(): Promise<Backlog | null>;
  /** Asks the instance running the job (or the one that will take it) to stop it. */
  requestCancel(id: string): Promise<void>;
  cancelRequested(id: string): Promise<boolean>;
  /** Starts this instance's worker. */
  start(run: SharedRun): void;
  close(): Promise<void>;
}
