import { EventEmitter } from 'node:events';

/**
 * The seam between the job runner (which changes jobs) and subscriptions (which watch them).
 * The runner publishes every change of a job here; `Subscription.jobProgress` listens. In one
 * process this is an EventEmitter; with REDIS_URL (issue 17) Redis pub/sub implements the same
 * interface so a subscriber on any instance sees every event.
 */
export type JobState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface JobProgressModel {
  total: number | null;
  done: number;
  succeeded: number;
  failed: number;
  bytesTotal: number | null;
  bytesDone: number;
  etaSeconds: number | null;
  message: string | null;
}

/** A job as the store keeps it (the GraphQL `Job` is mapped from it; `owner` never leaves the gateway). */
export interface JobModel {
  id: string;
  /** createEntities, patchRecords, uploadFile, submitBcrXml */
  kind: string;
  state: JobState;
  progress: JobProgressModel;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Who may read, watch or cancel it: the caller's gateway key, else a fingerprint of their upstream credentials. */
  owner: string;
}

export interface JobUpdates {
  publish(job: JobModel): void;
  /** Calls `listener` with every published change of job `id` until the returned function is called. */
  subscribe(id: string, listener: (job: JobModel) => void): () => void;
}

/** The caller's job as it is now; null when there is none or it is another caller's (both are NOT_FOUND). */
export interface JobReader {
  get(id: string, owner: string): Promise<JobModel | null>;
}

/** JobUpdates within one process. */
export class LocalJobUpdates implements JobUpdates {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(job: JobModel): void {
    this.emitter.emit(job.id, job);
  }

  subscribe(id: string, listener: (job: JobModel) => void): () => void {
    this.emitter.on(id, listener);
    return () => this.emitter.off(id, listener);
  }
}

/**
 * What a request sees of jobs (`GatewayContext.jobs`): subscriptions use `reader`, `updates` and
 * `owner`; the job runner's own fields are added beside them.
 */
export interface JobsContext {
  reader: JobReader;
  updates: JobUpdates;
  /** This caller's owner key (see JobModel.owner). */
  owner: string;
}
