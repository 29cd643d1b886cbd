import type { JobModel, JobProgressModel, JobState } from './updates';

/** What starting a job records: the input is spooled (kept until the job ends, plus retention). */
export interface NewJob {
  kind: string;
  owner: string;
  /** The job's input as given (a JSON document); read back by the runner, row by row if it resumes. */
  input: string;
  total: number | null;
}

/** One row's outcome, as the synchronous mutation would have reported it (JSON), in row order. */
export interface JobOutcome {
  row: number;
  ok: boolean;
  /** JSON of the per-entity/per-record result. */
  data: string;
}

export interface JobPage {
  jobs: JobModel[];
  hasNextPage: boolean;
}

export type JobPatch = Partial<Pick<JobModel, 'state' | 'error' | 'startedAt' | 'finishedAt'>> & {
  progress?: Partial<JobProgressModel>;
};

/**
 * Where jobs are kept. Embedded (SQLite, sqlite-store.ts) today; issue 17 adds a Redis
 * implementation behind the same interface, hence every method is asynchronous.
 * Outcomes are appended as rows finish and read back in pages, so no job's results are held in memory.
 */
export interface JobStore {
  create(job: NewJob): Promise<JobModel>;
  /** The job whatever its owner (the runner's view); callers go through `JobReader`, which checks the owner. */
  get(id: string): Promise<JobModel | null>;
  /** The owner's jobs, newest first; `after` is the id of the last job of the previous page. */
  list(owner: string, state: JobState | null, first: number, after: string | null): Promise<JobPage>;
  /** How many jobs the owner has (in `state`, when given): JobConnection.totalCount. */
  count(owner: string, state: JobState | null): Promise<number>;
  update(id: string, patch: JobPatch): Promise<JobModel>;
  /**
   * Records outcomes, the progress they make and the result summary so far (JSON), in one
   * transaction (a crash keeps all or none): a resumed job continues from `progress.done`.
   */
  appendOutcomes(id: string, outcomes: JobOutcome[], progress: Partial<JobProgressModel>, summary?: string): Promise<void>;
  /** The result summary last recorded (JSON), null before the first outcomes. */
  summary(id: string): Promise<string | null>;
  /** Where the job's spooled document is kept (written by the runner, removed by release and sweep). */
  documentPath(id: string): string;
  /** Once the runner spooled the document to `documentPath`: kept where every instance that may run the job reads it. */
  keepDocument(id: string): Promise<void>;
  /** Before a job runs: its document at `documentPath` (from the shared store if another instance spooled it); false when it is nowhere. */
  fetchDocument(id: string): Promise<boolean>;
  /** Outcomes with row > afterRow, in row order. */
  outcomes(id: string, afterRow: number, first: number): Promise<JobOutcome[]>;
  /** The highest row recorded (-1 when none): where a resumed job continues. */
  lastRow(id: string): Promise<number>;
  input(id: string): Promise<string | null>;
  /** Credentials sealed by secrets.ts; never stored in clear. null clears them. */
  setSealedCredentials(id: string, sealed: Buffer | null): Promise<void>;
  sealedCredentials(id: string): Promise<Buffer | null>;
  /** Jobs in a state, oldest first (at start: RUNNING ones to resume). */
  inState(state: JobState): Promise<JobModel[]>;
  /** Drops the spooled input and credentials of an ended job (results stay until retention ends). */
  release(id: string): Promise<void>;
  /** Deletes jobs that ended before `before` with their outcomes; returns how many. */
  sweep(before: Date): Promise<number>;
  close(): Promise<void>;
}
