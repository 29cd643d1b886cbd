import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LocalJobUpdates, type JobModel, type JobUpdates } from './updates';

/** One channel per job, so an instance hears only the jobs its own subscribers watch. */
export const JOB_CHANNEL_PREFIX = 'submission-gateway:job-updates:';

interface Envelope {
  /** The instance that published it: that instance has already told its own subscribers. */
  from: string;
  job: JobModel;
}

/**
 * JobUpdates over Redis pub/sub (REDIS_URL): a job running on any instance is heard by a
 * subscriber connected to any other. This instance's own subscribers are told at once, in
 * process, so they keep hearing their local jobs while Redis is away; Redis carries the event to
 * the others. Subscribing needs a connection of its own (a subscribed connection takes no other
 * command): a duplicate of the shared one that queues its SUBSCRIBEs while Redis is away and
 * re-subscribes every channel once it is back (ioredis autoResubscribe).
 * Only the type of ioredis is imported here: the connection comes from src/redis.ts.
 */
export class RedisJobUpdates implements JobUpdates {
  private readonly local = new LocalJobUpdates();
  private readonly self = randomUUID();
  /** Listeners per job on this instance: the channel is subscribed while there is one. */
  private readonly watched = new Map<string, number>();
  private readonly subscriber: Redis;
  private lostPublish = false;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {
    this.subscriber = redis.duplicate({ enableOfflineQueue: true, autoResubscribe: true, commandTimeout: undefined, maxRetriesPerRequest: null, lazyConnect: false });
    // Lost and recovered are logged by the shared connection (src/redis.ts); this one only must not throw.
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, text: string) => this.heard(channel, text));
  }

  publish(job: JobModel): void {
    this.local.publish(job);
    const envelope: Envelope = { from: this.self, job };
    this.redis.publish(JOB_CHANNEL_PREFIX + job.id, JSON.stringify(envelope)).then(
      () => (this.lostPublish = false),
      (err: Error) => {
        // The next event (at least every slice) carries the whole job again: a lost one is only late news.
        if (!this.lostPublish) this.logger.warn({ jobId: job.id, err: err.message }, 'job progress not sent to the other instances (Redis unavailable); their watchers hear of it once it is back');
        this.lostPublish = true;
      },
    );
  }

  subscribe(id: string, listener: (job: JobModel) => void): () => void {
    const stop = this.local.subscribe(id, listener);
    const n = this.watched.get(id) ?? 0;
    this.watched.set(id, n + 1);
    if (n === 0) void this.subscriber.subscribe(JOB_CHANNEL_PREFIX + id).catch(() => undefined);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      stop();
      const left = (this.watched.get(id) ?? 1) - 1;
      if (left > 0) return void this.watched.set(id, left);
      this.watched.delete(id);
      void this.subscriber.unsubscribe(JOB_CHANNEL_PREFIX + id).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private heard(channel: string, text: string): void {
    if (!channel.startsWith(JOB_CHANNEL_PREFIX)) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return; // not ours: another program on the same Redis
    }
    if (envelope.from === this.self || !envelope.job || envelope.job.id !== channel.slice(JOB_CHANNEL_PREFIX.length)) return;
    this.local.publish(envelope.job);
  }
}
