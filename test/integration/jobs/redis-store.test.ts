import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/redis';
import { JOB_KEY_PREFIX, RedisJobStore } from '../../../src/jobs/redis-store';
import { jobStoreContract } from '../../support/job-store-contract';
import { type PrivateRedis, startPrivateRedis } from '../../support/redis';

/**
 * The Redis job store (issue 17) on a real (private) Redis: the JobStore contract
 * (test/support/job-store-contract.ts, the embedded store's too) with a second instance, another
 * disk, as the one reading again; plus what only several instances need: the document moves
 * between instances, and an ended job's keys expire after the retention.
 */
describe('RedisJobStore', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let dirs: string[] = [];
  let store: RedisJobStore;
  const RETENTION = 3600;
  const open = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-redis-store-'));
    dirs.push(dir);
    return new RedisJobStore(redis, dir, RETENTION);
  };

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = await connectRedis(server.url, pino({ level: 'silent' }));
  }, 30_000);
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await redis.flushdb();
    store = open();
  });
  afterEach(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  jobStoreContract({ store: () => store, again: async () => open() });

  it('keeps every key under its prefix', async () => {
    await store.create({ kind: 'createEntities', owner: 'key:a', input: '{"rows":[1,2]}', total: 2 });
    const keys = await redis.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(JOB_KEY_PREFIX))).toBe(true);
  });

  it('moves the document between instances; release drops document, input and credentials', async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    fs.writeFileSync(store.documentPath(job.id), 'case\tsubmitter_id\n');
    await store.keepDocument(job.id);
    const other = open();
    expect(fs.existsSync(other.documentPath(job.id))).toBe(false);
    expect(await other.fetchDocument(job.id)).toBe(true);
    expect(fs.readFileSync(other.documentPath(job.id), 'utf8')).toBe('case\tsubmitter_id\n');
    await store.setSealedCredentials(job.id, Buffer.from([1, 2, 3]));
    expect(await other.sealedCredentials(job.id)).toEqual(Buffer.from([1, 2, 3]));
    await store.update(job.id, { state: 'SUCCEEDED', finishedAt: new Date().toISOString() });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '1' }], {});
    await store.release(job.id);
    expect(await store.input(job.id)).toBeNull();
    expect(await store.sealedCredentials(job.id)).toBeNull();
    expect(fs.existsSync(store.documentPath(job.id))).toBe(false);
    expect(await open().fetchDocument(job.id)).toBe(false);
    expect(await store.outcomes(job.id, -1, 10)).toHaveLength(1);
  });

  it('an ended job expires after the retention; sweep drops those that ended before the cut and forgets expired ones', async () => {
    const live = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    const old = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    await store.appendOutcomes(old.id, [{ row: 0, ok: true, data: '1' }], { done: 1 });
    await store.update(old.id, { state: 'SUCCEEDED', finishedAt: '2026-01-01T00:00:00.000Z' });
    for (const k of [`job:${old.id}`, `outcomes:${old.id}`]) {
      const ttl = await redis.ttl(JOB_KEY_PREFIX + k);
      expect(ttl).toBeGreaterThan(RETENTION - 10);
      expect(ttl).toBeLessThanOrEqual(RETENTION);
    }
    expect(await redis.ttl(`${JOB_KEY_PREFIX}job:${live.id}`)).toBe(-1);
    expect(await store.sweep(new Date('2026-01-02T00:00:00.000Z'))).toBe(1);
    expect(await store.get(old.id)).toBeNull();
    expect(await store.outcomes(old.id, -1, 10)).toEqual([]);
    expect(await store.count('o', null)).toBe(1);
    // A job whose keys expired leaves the indexes when next read.
    const gone = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    await store.update(gone.id, { state: 'FAILED', finishedAt: new Date().toISOString() });
    await redis.del(`${JOB_KEY_PREFIX}job:${gone.id}`);
    expect((await store.list('o', null, 10, null)).jobs.map((j) => j.id)).toEqual([live.id]);
    expect(await store.sweep(new Date('2026-01-02T00:00:00.000Z'))).toBe(0);
    expect(await redis.smembers(`${JOB_KEY_PREFIX}state:FAILED`)).toEqual([]);
    expect(await store.get(live.id)).not.toBeNull();
  });
});
