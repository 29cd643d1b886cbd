import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Md5OffThread, stopIdleMd5Worker } from '../../../src/services/md5-off-thread';

const md5 = (...chunks: Buffer[]) => chunks.reduce((h, c) => h.update(c), createHash('md5')).digest('hex');

describe('Md5OffThread: an md5 computed on a worker thread', () => {
  it('gives the md5 of the bytes in order, across blocks and odd chunk sizes; of nothing too', async () => {
    const chunks = [randomBytes(1), randomBytes(65_536), randomBytes(3 * 1024 * 1024 + 7), Buffer.alloc(0), randomBytes(1_000_003)];
    const hash = new Md5OffThread();
    for (const c of chunks) await hash.update(c);
    expect(await hash.digest()).toBe(md5(...chunks));
    expect(await new Md5OffThread().digest()).toBe(md5());
  });

  it('keeps hashes apart when several run at once', async () => {
    const a = [randomBytes(1_500_000), randomBytes(10)];
    const b = [randomBytes(700_000), randomBytes(2_500_000)];
    const ha = new Md5OffThread();
    const hb = new Md5OffThread();
    await Promise.all([ha.update(a[0]), hb.update(b[0])]);
    await Promise.all([ha.update(a[1]), hb.update(b[1])]);
    expect(await Promise.all([ha.digest(), hb.digest()])).toEqual([md5(...a), md5(...b)]);
  });

  it('copies what it is given: the caller may reuse a chunk at once', async () => {
    const chunk = randomBytes(1024 * 1024);
    const original = Buffer.from(chunk);
    const hash = new Md5OffThread();
    await hash.update(chunk);
    chunk.fill(0);
    expect(await hash.digest()).toBe(md5(original));
  });

  it('asks the caller to wait once 8 blocks (2 MiB) wait for the worker, and not before', async () => {
    const hash = new Md5OffThread();
    const block = Buffer.alloc(256 * 1024, 1);
    // In one turn of the event loop, the worker's answers cannot arrive: 8 blocks handed over, then the ninth waits.
    const waits = Array.from({ length: 9 }, () => hash.update(block));
    expect(waits.map((w) => w !== null)).toEqual([...Array(8).fill(false), true]);
    await waits[8];
    expect(await hash.digest()).toBe(md5(...Array(9).fill(block)));
  });
});

it('stops its worker 2 s after the last hash (its thread gone), and starts another for the next', async () => {
  // This process's threads (Linux); libuv's pool started first, so that only the worker's come and go.
  const threads = () => fs.readdirSync('/proc/self/task').length;
  await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(__filename)));
  await new Promise((resolve) => setTimeout(resolve, 2_300));
  const first = new Md5OffThread();
  await first.update(Buffer.from('first'));
  expect(await first.digest()).toBe(md5(Buffer.from('first')));
  const running = threads();
  await new Promise((resolve) => setTimeout(resolve, 2_300));
  expect(threads()).toBeLessThan(running);
  const next = new Md5OffThread();
  await next.update(Buffer.from('next'));
  expect(await next.digest()).toBe(md5(Buffer.from('next')));
});

it('is stopped at once when idle by a gateway that stops, never under a hash in progress', async () => {
  const busy = new Md5OffThread();
  await busy.update(Buffer.from('still hashing'));
  await stopIdleMd5Worker();
  expect(await busy.digest()).toBe(md5(Buffer.from('still hashing')));
  const threads = () => fs.readdirSync('/proc/self/task').length;
  const running = threads();
  await stopIdleMd5Worker();
  expect(threads()).toBeLessThan(running);
});
