import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/redis';
import { JOB_KEY_PREFIX, RedisJobStore } from '../../../src/jobs/redis-store';
import { StoreJobReader } from '../../../src/jobs/reader';
import { type PrivateRedis, startPrivateRedis } from '../../support/redis';

/**
 * The Redis job store (issue 17) on a real (private) Redis, held to what test/unit/jobs/sqlite-store
 * holds the embedded one to, plus what only several instances need: a second store (another
 * instance, another disk) reads the job, its outcomes, its sealed credentials and its document;
 * an ended job's keys expire after the retention.
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

  it('creates a QUEUED job whose input every instance reads', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'key:a', input: '{"rows":[1,2]}', total: 2 });
    expect(job).toMatchObject({ kind: 'createEntities', state: 'QUEUED', owner: 'key:a', error: null, startedAt: null, finishedAt: null });
    expect(job.progress).toEqual({ total: 2, done: 0, succeeded: 0, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null });
    const other = open();
    expect(await other.input(job.id)).toBe('{"rows":[1,2]}');
    expect(await other.get(job.id)).toEqual(job);
    expect((await redis.keys('*')).every((k) => k.startsWith(JOB_KEY_PREFIX))).toBe(true);
  });

  it('keeps outcomes and progress for another instance to resume from', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'o', input: '{}', total: 3 });
    await store.update(job.id, { state: 'RUNNING', startedAt: '2026-01-01T00:00:00.000Z' });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '{"a":0}' }, { row: 1, ok: false, data: '{"a":1}' }], { done: 2, succeeded: 1, failed: 1 }, '{"s":1}');
    const other = open();
    expect(await other.lastRow(job.id)).toBe(1);
    expect((await other.get(job.id))!.progress).toMatchObject({ total: 3, done: 2, succeeded: 1, failed: 1 });
    expect(await other.summary(job.id)).toBe('{"s":1}');
    expect((await other.inState('RUNNING')).map((j) => j.id)).toEqual([job.id]);
    expect(await other.inState('QUEUED')).toEqual([]);
    expect(await other.outcomes(job.id, 0, 10)).toEqual([{ row: 1, ok: false, data: '{"a":1}' }]);
    expect(await other.outcomes(job.id, -1, 1)).toEqual([{ row: 0, ok: true, data: '{"a":0}' }]);
  });

  it('records the same row once when a resumed job reports it again', async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '"first"' }], { done: 1 });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '"again"' }], { done: 1 });
    expect(await store.outcomes(job.id, -1, 10)).toEqual([{ row: 0, ok: true, data: '"again"' }]);
    expect(await store.lastRow(job.id)).toBe(0);
  });

  it('a patch changes only what it names; null clears', async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 4 });
    await store.update(job.id, { state: 'RUNNING', progress: { message: 'waiting', done: 1 } });
    const next = await store.update(job.id, { progress: { message: null }, error: 'x' });
    expect(next).toMatchObject({ state: 'RUNNING', error: 'x', progress: { total: 4, done: 1, message: null } });
    expect((await store.update(job.id, { error: null })).error).toBeNull();
    await expect(store.update('no-such-job', { state: 'RUNNING' })).rejects.toThrow(/not in the store/);
    await expect(store.appendOutcomes('no-such-job', [], { done: 1 })).rejects.toThrow(/not in the store/);
  });

  it("lists only the owner's jobs, newest first, paged by id", async () => {
    const a1 = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    await store.create({ kind: 'k', owner: 'b', input: '{}', total: null });
    const a2 = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    const a3 = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    await store.update(a2.id, { state: 'SUCCEEDED' });
    const page1 = await store.list('a', null, 2, null);
    expect(page1.jobs.map((j) => j.id)).toEqual([a3.id, a2.id]);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await store.list('a', null, 2, a2.id);
    expect(page2.jobs.map((j) => j.id)).toEqual([a1.id]);
    expect(page2.hasNextPage).toBe(false);
    expect((await store.list('a', 'SUCCEEDED', 10, null)).jobs.map((j) => j.id)).toEqual([a2.id]);
    expect(await store.count('a', null)).toBe(3);
    expect(await store.count('a', 'SUCCEEDED')).toBe(1);
    expect(await store.count('b', 'SUCCEEDED')).toBe(0);
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

  it("StoreJobReader hides another owner's job", async () => {
    const job = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    const reader = new StoreJobReader(store);
    expect((await reader.get(job.id, 'a'))!.id).toBe(job.id);
    expect(await reader.get(job.id, 'b')).toBeNull();
  });
});
