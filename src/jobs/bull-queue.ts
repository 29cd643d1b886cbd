import { Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { measureJobQueue } from '../metrics';
import type { SharedJobQueue, SharedRun } from './shared-queue';
import type { Backlog } from './waiting';

const QUEUE_NAME = 'submission-gateway-jobs';
/** BullMQ's own keys (bull:<queue>:…) live under this prefix, beside the job store's. */
const BULL_PREFIX = 'submission-gateway:bull';
/** A cancel asked on any instance, read by the instance running the job between two slices. */
const CANCEL_PREFIX = 'submission-gateway:jobs:cancel:';
const DAY_SECONDS = 86_400;

/**
 * The jobs of every instance on one BullMQ queue (REDIS_URL with JOBS_ENCRYPTION_KEY): each
 * instance has a Queue (to add) and a Worker (to run, MAX_RUNNING_JOBS at once), so a job started
 * on one instance runs on whichever worker is free. A worker holds a lock on each job it runs and
 * renews it while its process lives; when an instance dies, the lock lapses after
 * JOB_LOCK_SECONDS and another worker takes the job (BullMQ's stalled-job check), resuming from
 * the store's recorded outcomes. BullMQ only carries the job's id: state, outcomes, input and
 * sealed credentials are in the job store.
 * Loaded only with REDIS_URL (src/jobs/open.ts imports it dynamically).
 */
export class BullJobQueue implements SharedJobQueue {
  private readonly queue: Queue;
  private worker: Worker | null = null;
  /** Jobs whose lock this worker failed to renew: another instance may have them now. */
  private readonly lost = new Set<string>();
  /** The connections made for BullMQ: BullMQ leaves a connection it was given open, so close() ends them. */
  private readonly connections: Redis[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly options: { concurrency: number; lockSeconds: number; logger: Logger },
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection(), prefix: BULL_PREFIX });
    this.queue.on('error', () => undefined); // the shared connection logs Redis loss once (src/redis.ts)
    measureJobQueue(() => this.queue.getJobCounts('waiting', 'active', 'delayed'));
  }

  async add(id: string): Promise<void> {
    // The job's id is BullMQ's too: adding a job already queued or running changes nothing.
    await this.queue.add('job', { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
  }

  /**
   * Workers are counted from Redis's client list (BullMQ names their connections); each takes
   * MAX_RUNNING_JOBS at once, this instance's setting taken as every instance's.
   */
  async backlog(): Promise<Backlog | null> {
    const [counts, workers] = await Promise.all([this.queue.getJobCounts('waiting', 'prioritized', 'active'), this.queue.getWorkersCount()]);
    return { running: counts.active ?? 0, ahead: (counts.waiting ?? 0) + (counts.prioritized ?? 0), workers, maxRunning: this.options.concurrency };
  }

  async requestCancel(id: string): Promise<void> {
    await this.redis.set(CANCEL_PREFIX + id, '1', 'EX', DAY_SECONDS);
  }

  /** Asked between two slices: while Redis is away no cancel can have been recorded, and the job goes on. */
  async cancelRequested(id: string): Promise<boolean> {
    return (await this.redis.exists(CANCEL_PREFIX + id).catch(() => 0)) === 1;
  }

  start(run: SharedRun): void {
    const lockMs = this.options.lockSeconds * 1000;
    this.worker = new Worker(
      QUEUE_NAME,
      async (job: Job<{ id: string }>, token?: string) => {
        const id = job.data.id;
        this.lost.delete(id);
        const outcome = await run(id, () => this.lostLock(id, token));
        if (outcome === 'interrupted') {
          // Drained (SIGTERM) or a lock that could not be renewed: back to the queue at once, for a
          // worker to continue it; never completed, or a job still RUNNING would be left to no one.
          // When another worker holds it already, BullMQ refuses the move (the token is not the lock's).
          await job.moveToWait(token);
          throw new WaitingError();
        }
      },
      {
        connection: this.connection(),
        prefix: BULL_PREFIX,
        concurrency: this.options.concurrency,
        lockDuration: lockMs,
        stalledInterval: lockMs,
        // A job is taken over as often as instances die under it: each time it resumes, never from the start.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      },
    );
    this.worker.on('error', () => undefined);
    this.worker.on('lockRenewalFailed', (ids: string[]) => {
      for (const id of ids) this.lost.add(id);
      this.options.logger.warn({ jobIds: ids }, 'job lock not renewed in time: the job stops after its current slice and another instance continues it');
    });
  }

  /**
   * Whether this worker may no longer hold the job's lock: BullMQ said a renewal failed, or the lock
   * in Redis is not this worker's token. Asked after each slice: an instance frozen past its lock
   * (a GC pause, a stopped process) may wake with a slice under way and finish it before BullMQ's
   * renewal timer tells it anything; it must not send the next slice, nor end the job, once another
   * instance took it over. While Redis cannot answer, the job goes on as BullMQ's timer allows
   * (its slices wait for the job store, which is in Redis too).
   */
  private async lostLock(id: string, token: string | undefined): Promise<boolean> {
    if (this.lost.has(id)) return true;
    if (!token || !this.worker) return false;
    const holder = await this.redis.get(`${this.worker.toKey(id)}:lock`).catch(() => token);
    return holder !== token;
  }

  /** After the runner drained: the worker ends (its jobs are back in the queue), then the queue. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await Promise.all(this.connections.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  }

  /** BullMQ's connections must wait for Redis rather than fail a command (maxRetriesPerRequest: null). */
  private connection(): Redis {
    const connection = this.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, enableAutoPipelining: false });
    connection.on('error', () => undefined); // the shared connection logs Redis loss once (src/redis.ts)
    this.connections.push(connection);
    return connection;
  }
}
