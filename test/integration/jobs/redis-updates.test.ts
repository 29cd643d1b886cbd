import pino from 'pino';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/redis';
import { JOB_CHANNEL_PREFIX, RedisJobUpdates } from '../../../src/jobs/redis-updates';
import type { JobModel, JobState } from '../../../src/jobs/updates';
import { type PrivateRedis, startPrivateRedis } from '../../support/redis';

/**
 * Job progress over Redis pub/sub (issue 17) on a real (private) Redis: two RedisJobUpdates stand
 * for two instances. Every event published on one is heard once on the other and once (not twice)
 * on its own; a channel is subscribed only while someone on the instance watches that job; and
 * after Redis restarts the subscription is back without anyone subscribing again.
 */
const silent = pino({ level: 'silent' });

const job = (id: string, done: number, state: JobState = 'RUNNING'): JobModel => ({
  id,
  kind: 'createEntities',
  state,
  progress: { total: 5, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: null,
  owner: 'key:x',
});

const until = async (cond: () => boolean | Promise<boolean>, ms = 5_000) => {
  for (const end = Date.now() + ms; !(await cond()); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('RedisJobUpdates', () => {
  let server: PrivateRedis;
  let redisA: Redis;
  let redisB: Redis;
  let a: RedisJobUpdates;
  let b: RedisJobUpdates;
  beforeAll(async () => {
    server = await startPrivateRedis();
    [redisA, redisB] = await Promise.all([connectRedis(server.url, silent), connectRedis(server.url, silent)]);
    a = new RedisJobUpdates(redisA, silent);
    b = new RedisJobUpdates(redisB, silent);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    redisA?.disconnect();
    redisB?.disconnect();
    await server?.stop();
  });

  const subscribers = async (id: string) => ((await redisA.pubsub('NUMSUB', JOB_CHANNEL_PREFIX + id)) as [string, number])[1];

  it('carries every event of a job published on one instance to a watcher on the other, in order, each once', async () => {
    const onB: number[] = [];
    const onA: number[] = [];
    const stopB = b.subscribe('j1', (j) => onB.push(j.progress.done));
    const stopA = a.subscribe('j1', (j) => onA.push(j.progress.done));
    await until(async () => (await subscribers('j1')) === 2);
    for (let done = 1; done <= 5; done++) a.publish(job('j1', done, done === 5 ? 'SUCCEEDED' : 'RUNNING'));
    await until(() => onB.length === 5);
    // Another job's events do not reach j1's watchers.
    a.publish(job('j2', 1));
    await new Promise((r) => setTimeout(r, 100));
    expect(onB).toEqual([1, 2, 3, 4, 5]);
    // The publishing instance tells its own watcher in process, and ignores its own echo from Redis.
    expect(onA).toEqual([1, 2, 3, 4, 5]);
    stopA();
    stopB();
    await until(async () => (await subscribers('j1')) === 0);
  });

  it('keeps the channel while any watcher of the job on the instance remains', async () => {
    const first: number[] = [];
    const second: number[] = [];
    const stop1 = b.subscribe('j3', (j) => first.push(j.progress.done));
    const stop2 = b.subscribe('j3', (j) => second.push(j.progress.done));
    await until(async () => (await subscribers('j3')) === 1);
    stop1();
    stop1(); // a second call changes nothing
    a.publish(job('j3', 1));
    await until(() => second.length === 1);
    expect(first).toEqual([]);
    expect(await subscribers('j3')).toBe(1);
    stop2();
    await until(async () => (await subscribers('j3')) === 0);
  });

  it('hears events again once Redis is back after a restart, with no new subscribe', async () => {
    const heard: number[] = [];
    const stop = b.subscribe('j4', (j) => heard.push(j.progress.done));
    await until(async () => (await subscribers('j4')) === 1);
    await server.kill();
    // Published while Redis is away: lost to other instances (the next event carries the whole job again), never thrown.
    expect(() => a.publish(job('j4', 1))).not.toThrow();
    await server.restart();
    await until(async () => redisA.status === 'ready' && (await subscribers('j4').catch(() => 0)) === 1, 15_000);
    a.publish(job('j4', 2));
    await until(() => heard.includes(2));
    expect(heard).toEqual([2]);
    stop();
  }, 30_000);
});
