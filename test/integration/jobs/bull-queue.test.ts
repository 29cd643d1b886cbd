import pino from 'pino';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/redis';
import { BullJobQueue } from '../../../src/jobs/bull-queue';
import { type PrivateRedis, startPrivateRedis } from '../../support/redis';

/**
 * The shared job queue (BullMQ) on a real (private) Redis, two BullJobQueue standing for two
 * instances: a job id is queued once however often it is added, runs on one worker, an
 * interrupted run goes back to the queue and runs again, a run learns its lock is lost from Redis
 * itself, and a cancel asked on one is seen on the other.
 */
const silent = pino({ level: 'silent' });

const until = async (cond: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !cond(); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('BullJobQueue', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let one: BullJobQueue;
  let two: BullJobQueue;
  const runs: Array<{ on: string; id: string }> = [];
  /** What the next run of an id answers (default: ended). */
  const answers = new Map<string, Array<'ended' | 'interrupted'>>();
  /** What lost() said for an id: before and after its lock in Redis was given to another token. */
  const lostSeen = new Map<string, boolean[]>();
  const runner = (on: string) => async (id: string, lost: () => Promise<boolean>) => {
    runs.push({ on, id });
    if (id.startsWith('fenced-')) {
      // As if another instance took the job over while this one was frozen: the lock is not ours any more.
      const seen = [await lost()];
      const lockKey = `submission-gateway:bull:submission-gateway-jobs:${id}:lock`;
      await redis.set(lockKey, 'another-instance-token', 'PX', 5_000);
      seen.push(await lost());
      lostSeen.set(id, seen);
      return 'ended';
    }
    await new Promise((r) => setTimeout(r, 50));
    return answers.get(id)?.shift() ?? 'ended';
  };

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = await connectRedis(server.url, silent);
    one = new BullJobQueue(redis, { concurrency: 2, lockSeconds: 5, logger: silent });
    two = new BullJobQueue(redis, { concurrency: 2, lockSeconds: 5, logger: silent });
    one.start(runner('one'));
    two.start(runner('two'));
  }, 30_000);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    redis?.disconnect();
    await server?.stop();
  });

  it('runs a job once on one of the workers, however often it is added while queued', async () => {
    await Promise.all([one.add('job-a'), two.add('job-a'), one.add('job-a')]);
    await until(() => runs.some((r) => r.id === 'job-a'));
    await new Promise((r) => setTimeout(r, 300));
    expect(runs.filter((r) => r.id === 'job-a')).toHaveLength(1);
  });

  it('puts an interrupted run back on the queue, where a worker runs it again', async () => {
    answers.set('job-b', ['interrupted', 'ended']);
    await one.add('job-b');
    await until(() => runs.filter((r) => r.id === 'job-b').length === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs.filter((r) => r.id === 'job-b')).toHaveLength(2);
    // Ended: the queue keeps nothing of it, so the same id may be added again (resumeJob).
    expect(await redis.keys('submission-gateway:bull:submission-gateway-jobs:job-b')).toEqual([]);
  });

  it('a cancel asked through one instance is seen by the other', async () => {
    expect(await two.cancelRequested('job-c')).toBe(false);
    await one.requestCancel('job-c');
    expect(await two.cancelRequested('job-c')).toBe(true);
  });

  it('tells a run its lock is lost as soon as the lock in Redis is another worker\'s, before BullMQ\'s renewal timer could', async () => {
    await one.add('fenced-d');
    await until(() => lostSeen.has('fenced-d'));
    expect(lostSeen.get('fenced-d')).toEqual([false, true]);
  });
});
