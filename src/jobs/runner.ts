import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context';
import type { Credentials } from '../credentials';
import { recordJobTakeover } from '../metrics';
import { type JobRunEnd, type JobTrace, type SpanParent, type Tracer, traceScope } from '../plugins/tracing';
import type { EntityResultModel } from '../services/result';
import { open, seal } from './secrets';
import type { JobSpec } from './spec';
import type { SpooledInput } from './spool';
import type { SharedJobQueue } from './shared-queue';
import type { JobStore } from './store';
import { addSlice, emptySummary, finalMessage, type JobSummary } from './summary';
import { TERMINAL_STATES, type JobModel, type JobUpdates } from './updates';
import { encodeWork } from './work/encode';
import { gdcCreateWork } from './work/gdc';
import { uploadWork } from './work/upload';
import type { JobWork, WorkStart } from './work/types';
import { TimeSlices } from '../time-slices';
import type { JobOutcome } from './store';
import { everyWorkerBusy, waitingForWorker } from './waiting';

export interface RunnerDeps {
  store: JobStore;
  updates: JobUpdates;
  /** JOBS_ENCRYPTION_KEY: without it credentials stay in memory only. */
  encryptionKey: Buffer | null;
  /** MAX_RUNNING_JOBS */
  maxRunning: number;
  logger: Logger;
  /** A request context acting with `credentials` (the same services the synchronous mutations use), its upstream calls traced under `trace`. */
  contextFor(credentials: Credentials, trace?: SpanParent): Promise<GatewayContext>;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: a span per run of a job. Without it (null) nothing is traced. */
  tracer?: Tracer | null;
  /**
   * REDIS_URL with JOBS_ENCRYPTION_KEY: jobs wait on a queue every instance's worker takes from
   * (bull-queue.ts), so they run on any instance. Upload jobs stay on the instance whose disk
   * holds their bytes. Without it, this process's own queue.
   */
  queue?: SharedJobQueue | null;
}

interface Running {
  cancel: boolean;
  finished: Promise<void>;
  /** Another instance may have taken the job over (its lock lapsed): stop without ending it. */
  lost?: () => Promise<boolean>;
}

/** How long cancelJob waits for the instance running the job to stop it after its current slice. */
const CANCEL_WAIT_MS = 60_000;

const WAITING = (done: number, total: number | null) =>
  `Interrupted by a gateway restart after ${done}${total === null ? '' : ` of ${total}`}; its credentials were not kept (no JOBS_ENCRYPTION_KEY): call resumeJob(id) with them to continue.`;

/** A slice's entities as the store's outcomes, with turns between them: 1000 JSON texts at once kept other callers waiting. */
async function outcomesOf(entities: EntityResultModel[], written: (e: EntityResultModel) => boolean): Promise<JobOutcome[]> {
  const slices = new TimeSlices();
  const outcomes: JobOutcome[] = [];
  for (const e of entities) {
    await slices.pause();
    outcomes.push({ row: e.index, ok: written(e), data: JSON.stringify(e) });
  }
  return outcomes;
}

function workFor(spec: JobSpec): (start: WorkStart) => Promise<JobWork> {
  if (spec.kind === 'uploadFile') return uploadWork;
  return spec.source === 'GDC' ? gdcCreateWork : encodeWork;
}

/**
 * Runs jobs in this process: each row's outcome goes to the store as soon as the upstream has
 * answered it (never collected in memory), and every change is published for subscriptions.
 * Credentials live in memory while a job runs, on disk only sealed (secrets.ts).
 */
export class JobRunner {
  private readonly running = new Map<string, Running>();
  /** Jobs waiting for a free run (MAX_RUNNING_JOBS), oldest first, with the credentials they will run with. */
  private readonly pending: { job: JobModel; credentials: Credentials; resumed: boolean }[] = [];
  private draining = false;

  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Creates the job, spools its input under DATA_DIR and starts it in the background. `trace`: the
   * starting operation's W3C headers, kept in the job's spec so that its span (on whichever instance,
   * after a restart too) is in the caller's trace.
   */
  async start(input: SpooledInput, credentials: Credentials, owner: string, trace: Record<string, string> | null = null): Promise<JobModel> {
    const { store } = this.deps;
    let job: JobModel;
    try {
      const spec: JobSpec = trace ? { ...input.spec, trace } : input.spec;
      job = await store.create({ kind: input.spec.kind, owner, input: JSON.stringify(spec), total: null });
    } catch (err) {
      await input.discard();
      throw err;
    }
    try {
      await input.write(store.documentPath(job.id));
    } catch (err) {
      // The job exists (the caller may list it): it ends FAILED saying why, rather than waiting forever.
      await this.end(job.id, 'FAILED', `Spooling the input under DATA_DIR failed: ${(err as Error).message}`, null);
      throw err;
    }
    await this.keepCredentials(job.id, credentials);
    if (this.shared(job.kind)) {
      try {
        await store.keepDocument(job.id);
        await this.sayIfWaiting(job.id);
        await this.deps.queue!.add(job.id);
      } catch (err) {
        await this.end(job.id, 'FAILED', `Queueing the job failed: ${(err as Error).message}`, null).catch(() => undefined);
        throw err;
      }
    } else this.launch(job, credentials, false);
    return job;
  }

  /** Stops a job between two slices and reports what was done; a waiting job is cancelled at once. */
  async cancel(job: JobModel): Promise<JobModel> {
    const waiting = this.pending.findIndex((p) => p.job.id === job.id);
    if (waiting >= 0) this.pending.splice(waiting, 1);
    const run = this.running.get(job.id);
    if (run) {
      run.cancel = true;
      await run.finished;
      return (await this.deps.store.get(job.id))!;
    }
    if (TERMINAL_STATES.has(job.state)) return job;
    if (this.shared(job.kind)) return this.cancelShared(job);
    const done = job.progress.done;
    return this.end(job.id, 'CANCELLED', null, `Cancelled after ${done}${job.progress.total === null ? '' : ` of ${job.progress.total}`} while waiting; nothing more was sent.`);
  }

  /** A job waiting for credentials after a restart continues with the caller's. */
  async resume(job: JobModel, credentials: Credentials): Promise<JobModel> {
    if (this.running.has(job.id) || this.pending.some((p) => p.job.id === job.id) || job.state !== 'QUEUED') {
      throw new GraphQLError(`Job '${job.id}' is ${job.state.toLowerCase()}, not waiting for credentials: nothing to resume.`, { extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
    }
    await this.keepCredentials(job.id, credentials);
    if (this.shared(job.kind)) {
      await this.sayIfWaiting(job.id);
      await this.deps.queue!.add(job.id);
    } else this.launch(job, credentials, true);
    return job;
  }

  /**
   * The worker's side of a shared queue: runs job `id` here, whichever instance started it,
   * from its last recorded slice (resumed when it was RUNNING: another instance died under it).
   */
  readonly runShared = async (id: string, lost: () => Promise<boolean>): Promise<'ended' | 'interrupted'> => {
    const { store, encryptionKey, queue } = this.deps;
    if (this.draining) return 'interrupted';
    const job = await store.get(id);
    if (!job || TERMINAL_STATES.has(job.state)) return 'ended';
    if (await queue!.cancelRequested(id)) {
      await this.end(id, 'CANCELLED', null, `Cancelled after ${job.progress.done}${job.progress.total === null ? '' : ` of ${job.progress.total}`} while waiting; nothing more was sent.`);
      return 'ended';
    }
    const sealed = await store.sealedCredentials(id);
    const credentials = encryptionKey && sealed ? open<Credentials>(encryptionKey, id, sealed) : null;
    if (!credentials || !(await store.fetchDocument(id))) {
      await this.end(id, 'FAILED', credentials ? 'the job input is no longer in the store' : 'the job credentials are no longer in the store', null);
      return 'ended';
    }
    if (job.state === 'RUNNING') {
      this.deps.logger.info({ jobId: id, done: job.progress.done }, 'continuing a job another instance was running');
      recordJobTakeover();
    }
    const run: Running = { cancel: false, finished: Promise.resolve(), lost };
    this.running.set(id, run);
    const ended = this.runOrFail(job, credentials, job.state === 'RUNNING' || job.progress.done > 0, run).finally(() => this.running.delete(id));
    run.finished = ended.then(() => undefined);
    return (await ended) ? 'ended' : 'interrupted';
  };

  /**
   * Before a job goes on the shared queue: when every worker of every instance is busy, its
   * progress says it waits and behind how many (written before the add, so a worker that takes
   * it at once clears it rather than the other way round).
   */
  private async sayIfWaiting(id: string): Promise<void> {
    const backlog = await this.deps.queue!.backlog().catch(() => null);
    if (!backlog || !everyWorkerBusy(backlog)) return;
    this.deps.updates.publish(await this.deps.store.update(id, { state: 'QUEUED', progress: { message: waitingForWorker(backlog) } }));
  }

  /** Upload jobs keep their bytes on the disk of the instance that spooled them, so they run there. */
  private shared(kind: string): boolean {
    return Boolean(this.deps.queue) && kind !== 'uploadFile';
  }

  /** A job on the shared queue: the instance running it (or about to take it) stops it; we wait for the end. */
  private async cancelShared(job: JobModel): Promise<JobModel> {
    await this.deps.queue!.requestCancel(job.id);
    for (const end = Date.now() + CANCEL_WAIT_MS; Date.now() < end; ) {
      const now = await this.deps.store.get(job.id);
      if (!now || TERMINAL_STATES.has(now.state)) return now ?? job;
      await new Promise((r) => setTimeout(r, 100));
    }
    return (await this.deps.store.get(job.id)) ?? job;
  }

  /**
   * At start: every job a restart interrupted (RUNNING, or QUEUED and never started) continues
   * from its last recorded slice with its sealed credentials; without them it waits for resumeJob.
   */
  async resumeInterrupted(): Promise<void> {
    const { store, encryptionKey } = this.deps;
    // Shared jobs: this instance's worker starts taking them (those whose instance died included).
    this.deps.queue?.start(this.runShared);
    for (const job of [...(await store.inState('RUNNING')), ...(await store.inState('QUEUED'))]) {
      // Shared jobs are resumed by the queue (a lapsed lock); an upload job by the instance holding its bytes.
      if (this.deps.queue && (this.shared(job.kind) || !(await store.fetchDocument(job.id)))) continue;
      const sealed = await store.sealedCredentials(job.id);
      const credentials = encryptionKey && sealed ? open<Credentials>(encryptionKey, job.id, sealed) : null;
      if (credentials) {
        this.deps.logger.info({ jobId: job.id, done: job.progress.done }, 'resuming a job interrupted by a restart');
        this.launch(job, credentials, job.state === 'RUNNING' || job.progress.done > 0);
      } else {
        this.deps.updates.publish(await store.update(job.id, { state: 'QUEUED', progress: { message: WAITING(job.progress.done, job.progress.total), etaSeconds: null } }));
      }
    }
  }

  /** Graceful stop: every job stops after its current slice and stays RUNNING, for the next start to resume. */
  async drain(): Promise<void> {
    this.draining = true;
    this.pending.length = 0; // they stay QUEUED in the store: the next start picks them up
    await Promise.all([...this.running.values()].map((r) => r.finished));
    // The worker stops taking jobs; those it ran go back to the queue for another instance.
    await this.deps.queue?.close();
  }

  private async keepCredentials(id: string, credentials: Credentials): Promise<void> {
    if (this.deps.encryptionKey) await this.deps.store.setSealedCredentials(id, seal(this.deps.encryptionKey, id, credentials));
  }

  /** Runs the job now, or queues it behind MAX_RUNNING_JOBS others (QUEUED, saying so). */
  private launch(job: JobModel, credentials: Credentials, resumed: boolean): void {
    if (this.running.size < this.deps.maxRunning) return this.runNow(job, credentials, resumed);
    const message = waitingForWorker({ running: this.running.size, ahead: this.pending.length, workers: 1, maxRunning: this.deps.maxRunning });
    this.pending.push({ job, credentials, resumed });
    void this.deps.store.update(job.id, { state: 'QUEUED', progress: { message } }).then((j) => this.deps.updates.publish(j), () => undefined);
  }

  private runNext(): void {
    if (this.draining) return;
    const next = this.pending.shift();
    if (next) this.runNow(next.job, next.credentials, next.resumed);
  }

  private runNow(job: JobModel, credentials: Credentials, resumed: boolean): void {
    const run: Running = { cancel: false, finished: Promise.resolve() };
    this.running.set(job.id, run);
    run.finished = this.runOrFail(job, credentials, resumed, run).then(() => {
      this.running.delete(job.id);
      this.runNext();
    });
  }

  /** Runs the job; a run that throws ends the job FAILED saying why (and counts as ended). */
  private async runOrFail(job: JobModel, credentials: Credentials, resumed: boolean, run: Running): Promise<boolean> {
    try {
      return await this.run(job, credentials, resumed, run);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.logger.warn({ jobId: job.id, err: message }, 'job failed');
      await this.end(job.id, 'FAILED', message, null).catch(() => undefined);
      return true;
    }
  }

  /**
   * True when the job ended; false when it stopped after a slice to be continued (drain, lost lock).
   * With tracing on, the run is a span (job.spans) and its upstream calls are that span's children.
   */
  private async run(job: JobModel, credentials: Credentials, resumed: boolean, run: Running): Promise<boolean> {
    const spec = JSON.parse((await this.deps.store.input(job.id)) ?? 'null') as JobSpec | null;
    if (!spec) throw new Error('the job input is no longer on disk');
    const span = this.deps.tracer?.startJob({ id: job.id, kind: spec.kind, source: spec.source, from: spec.trace ?? null, resumed });
    if (!span) return this.runSlices(job, spec, credentials, resumed, run);
    const outcome: JobRunEnd = { state: 'FAILED', total: job.progress.total, done: job.progress.done, succeeded: job.progress.succeeded, failed: job.progress.failed };
    try {
      // Lines the run logs carry its trace id, as a request's do.
      return await traceScope.run({ traceId: span.traceId }, () => this.runSlices(job, spec, credentials, resumed, run, span, outcome));
    } finally {
      span.end(outcome);
    }
  }

  /** `outcome` (when traced) follows the run's counts and ends with its state. */
  private async runSlices(job: JobModel, spec: JobSpec, credentials: Credentials, resumed: boolean, run: Running, span?: JobTrace, outcome?: JobRunEnd): Promise<boolean> {
    const { store, updates } = this.deps;
    const startedAt = job.startedAt ?? new Date().toISOString();
    updates.publish(await store.update(job.id, { state: 'RUNNING', startedAt, progress: { message: null } }));
    const work = await workFor(spec)({
      spec,
      documentPath: store.documentPath(job.id),
      done: job.progress.done,
      resumed,
      context: () => this.deps.contextFor(credentials, span),
      recorded: (afterRow, first) => store.outcomes(job.id, afterRow, first),
      bytesDone: async (bytesDone) => updates.publish(await store.update(job.id, { progress: { bytesDone } })),
    });
    let summary: JobSummary = JSON.parse((await store.summary(job.id)) ?? 'null') ?? emptySummary(spec);
    let { done, succeeded, failed } = job.progress;
    if (outcome) outcome.total = work.total;
    const from = { done, at: Date.now() };
    updates.publish(await store.update(job.id, { progress: { total: work.total, bytesTotal: work.bytesTotal ?? null } }));
    let end: 'done' | 'cancelled' | 'stopped' = 'done';
    for await (const slice of work.slices) {
      summary = addSlice(summary, slice);
      // A GDC transaction is all or nothing: an entity without errors in a refused chunk was not written either.
      const written = (e: EntityResultModel) => e.errors.length === 0 && (slice.chunk?.success ?? true);
      const ok = slice.result.entities.filter(written).length;
      succeeded += ok;
      failed += slice.result.entities.length - ok;
      done = slice.doneAfter;
      const rate = (done - from.done) / Math.max(1, Date.now() - from.at);
      const etaSeconds = rate > 0 ? Math.round((work.total - done) / rate / 1000) : null;
      const outcomes = await outcomesOf(slice.result.entities, written);
      const bytes = slice.bytes === undefined ? {} : { bytesDone: slice.bytes };
      await store.appendOutcomes(job.id, outcomes, { done, succeeded, failed, etaSeconds, ...bytes }, JSON.stringify(summary));
      if (outcome) Object.assign(outcome, { done, succeeded, failed });
      updates.publish((await store.get(job.id))!);
      if (slice.stop) end = 'stopped';
      else if (run.cancel || (this.shared(spec.kind) && (await this.deps.queue!.cancelRequested(job.id)))) end = 'cancelled';
      else if (this.draining || (await run.lost?.())) {
        if (outcome) outcome.state = 'RUNNING';
        return false; // stays RUNNING: resumed after this slice
      }
      if (end !== 'done') break;
    }
    summary = { ...summary, message: finalMessage(summary, spec, done, work.total, end) };
    await store.appendOutcomes(job.id, [], { done }, JSON.stringify(summary));
    const state = end === 'cancelled' ? 'CANCELLED' : end === 'stopped' ? 'FAILED' : 'SUCCEEDED';
    if (outcome) outcome.state = state;
    await this.end(job.id, state, end === 'stopped' ? summary.message : null, end === 'cancelled' ? summary.message : null);
    return true;
  }

  /** A job's last change: its state, spooled input and credentials released (results kept for JOB_RETENTION_HOURS). */
  private async end(id: string, state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', error: string | null, message: string | null): Promise<JobModel> {
    const { store, updates } = this.deps;
    const job = await store.update(id, { state, error, finishedAt: new Date().toISOString(), progress: { etaSeconds: null, message } });
    await store.release(id);
    updates.publish(job);
    return job;
  }
}
