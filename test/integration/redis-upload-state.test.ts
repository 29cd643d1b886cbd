import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { registry } from '../../src/metrics';
import { connectRedis } from '../../src/redis';
import { RedisUploadStates } from '../../src/services/upload-state/redis';
import { DiskUploadStates } from '../../src/services/upload-state';
import { type PrivateRedis, startPrivateRedis } from '../support/redis';

/**
 * GDC upload resume state on a real (private) Redis: shared by key, and kept on this instance's
 * disk while Redis is down, so an upload never fails for want of Redis and still resumes here.
 */
describe('RedisUploadStates', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let disk: string;
  let states: RedisUploadStates;
  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = await connectRedis(server.url, pino({ level: 'silent' }));
    disk = mkdtempSync(path.join(tmpdir(), 'sg-resume-'));
    states = new RedisUploadStates(redis, new DiskUploadStates(disk), pino({ level: 'silent' }));
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    rmSync(disk, { recursive: true, force: true });
  });

  const fallbacks = async () => (await registry.getSingleMetric('gateway_shared_state_fallbacks_total')!.get()).values.find((v) => v.labels.what === 'upload_state')?.value ?? 0;

  it('keeps state in Redis, one key per project and entity, and clears it', async () => {
    const one = states.of('GDC', 'GDC-INTERNAL', 'file-1');
    expect(await one.load()).toBeNull();
    await one.save({ uploadId: 'up-1', partBytes: 8 });
    // Another instance (another RedisUploadStates, another disk) sees it.
    const otherDisk = mkdtempSync(path.join(tmpdir(), 'sg-resume-'));
    const other = new RedisUploadStates(redis, new DiskUploadStates(otherDisk), pino({ level: 'silent' }));
    expect(await other.of('GDC', 'GDC-INTERNAL', 'file-1').load()).toEqual({ uploadId: 'up-1', partBytes: 8 });
    expect(await other.of('GDC', 'GDC-INTERNAL', 'file-2').load()).toBeNull();
    expect(readdirSync(disk)).toEqual([]);
    await other.of('GDC', 'GDC-INTERNAL', 'file-1').clear();
    expect(await one.load()).toBeNull();
    expect(readdirSync(otherDisk)).toEqual([]);
    rmSync(otherDisk, { recursive: true, force: true });
  });

  it('keeps an ENCODE upload and its parts (a hash beside it) for any instance; parts answered while Redis was away come from this disk', async () => {
    const upload = { uploadId: 'enc-1', partBytes: 5, bucket: 'b', key: 'k/f.bam' };
    const s = states.of('ENCODE', 'file', 'uuid-1');
    await s.save({ ...upload, parts: [] });
    await s.savePart({ partNumber: 2, size: 5, etag: 'e2' });
    await s.savePart({ partNumber: 1, size: 5, etag: 'e1' });
    const otherDisk = mkdtempSync(path.join(tmpdir(), 'sg-resume-'));
    const other = new RedisUploadStates(redis, new DiskUploadStates(otherDisk), pino({ level: 'silent' }));
    const parts = [
      { partNumber: 1, size: 5, etag: 'e1' },
      { partNumber: 2, size: 5, etag: 'e2' },
    ];
    expect(await other.of('ENCODE', 'file', 'uuid-1').load()).toEqual({ ...upload, parts });
    expect(await redis.hlen('submission-gateway:encode-upload:file:uuid-1:parts')).toBe(2);

    // Redis away for one part: it goes to this disk, and a load with Redis back merges it in.
    const away = Object.create(redis, {
      multi: {
        value: () => {
          throw new Error('connection lost');
        },
      },
    }) as Redis;
    const broken = new RedisUploadStates(away, new DiskUploadStates(disk), pino({ level: 'silent' }));
    await broken.of('ENCODE', 'file', 'uuid-1').savePart({ partNumber: 3, size: 2, etag: 'e3' });
    expect(readdirSync(disk)).toEqual(['ENCODE.file.uuid-1.parts']);
    expect((await s.load())!.parts).toEqual([...parts, { partNumber: 3, size: 2, etag: 'e3' }]);

    await s.clear();
    expect(await redis.exists('submission-gateway:encode-upload:file:uuid-1', 'submission-gateway:encode-upload:file:uuid-1:parts')).toBe(0);
    expect(readdirSync(disk)).toEqual([]);
    expect(await other.of('ENCODE', 'file', 'uuid-1').load()).toBeNull();
    rmSync(otherDisk, { recursive: true, force: true });
  });

  it('while Redis is down, saves to and loads from this instance disk (counted in /metrics); Redis again once it is back', async () => {
    const before = await fallbacks();
    await server.kill();
    const s = states.of('GDC', 'GDC-INTERNAL', 'file-3');
    await s.save({ uploadId: 'up-3', partBytes: 8 });
    expect(readdirSync(disk)).toEqual(['GDC.GDC-INTERNAL.file-3.json']);
    expect(await s.load()).toEqual({ uploadId: 'up-3', partBytes: 8 });
    expect(await fallbacks()).toBeGreaterThanOrEqual(before + 2);
    await s.clear();
    expect(readdirSync(disk)).toEqual([]);

    await server.restart();
    for (const end = Date.now() + 10_000; redis.status !== 'ready' && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    await s.save({ uploadId: 'up-4', partBytes: 8 });
    expect(readdirSync(disk)).toEqual([]);
    expect(await redis.get('submission-gateway:gdc-upload:GDC-INTERNAL:file-3')).toBe(JSON.stringify({ uploadId: 'up-4', partBytes: 8 }));
  });
});
