import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { feed, UploadMeter, UploadRefused } from '../../../src/services/upload-stream';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const LIMIT = { bytes: 1000, setting: 'MAX_DATA_FILE_BYTES' };

/** Runs chunks through a meter; answers what came out, or the error. */
async function run(chunks: Buffer[], options: Partial<ConstructorParameters<typeof UploadMeter>[0]> = {}) {
  const meter = new UploadMeter({ limit: LIMIT, expectedBytes: null, expectedMd5: null, ...options });
  const out: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => out.push(c));
  const error = await pipeline(Readable.from(chunks), meter, sink).then(
    () => null,
    (err: unknown) => err,
  );
  return { meter, out: Buffer.concat(out), error: error as UploadRefused | null };
}

describe('UploadMeter: md5 and size on the way through', () => {
  it('passes every byte through unchanged and knows their count and md5 at the end', async () => {
    const chunks = [randomBytes(10), randomBytes(0), randomBytes(300), randomBytes(1)];
    const all = Buffer.concat(chunks);
    const { meter, out, error } = await run(chunks);
    expect(error).toBeNull();
    expect(out.equals(all)).toBe(true);
    expect(meter.bytes).toBe(311);
    expect(meter.md5).toBe(md5(all));
  });

  it('accepts bytes that match the expected size and md5, in upper or lower case', async () => {
    const all = randomBytes(500);
    const { error } = await run([all.subarray(0, 200), all.subarray(200)], { expectedBytes: 500, expectedMd5: md5(all).toUpperCase() });
    expect(error).toBeNull();
  });

  it('fails at the end when the md5 differs, after computing it', async () => {
    const all = randomBytes(500);
    const { meter, error } = await run([all], { expectedBytes: 500, expectedMd5: md5(Buffer.alloc(500)) });
    expect(error).toBeInstanceOf(UploadRefused);
    expect(error).toMatchObject({ kind: 'md5', keys: ['md5sum'], message: `The md5 of the file's bytes is ${md5(all)}; the record's md5sum is ${md5(Buffer.alloc(500))}` });
    expect(meter.md5).toBe(md5(all));
  });

  it('fails as soon as the bytes exceed the expected size, before the rest is read', async () => {
    const seen: number[] = [];
    const chunks = [randomBytes(100), randomBytes(100), randomBytes(100)];
    const source = Readable.from(
      (function* () {
        for (const c of chunks) {
          seen.push(c.length);
          yield c;
        }
      })(),
    );
    const meter = new UploadMeter({ limit: LIMIT, expectedBytes: 150, expectedMd5: null });
    const error = await pipeline(source, meter, new PassThrough().resume()).catch((e) => e);
    expect(error).toMatchObject({ kind: 'size', keys: ['file_size'], message: "The file has more bytes than the record's file_size (150)" });
    expect(meter.bytes).toBe(200);
  });

  it('fails at the end when fewer bytes than expected arrived', async () => {
    const { error } = await run([randomBytes(99)], { expectedBytes: 100 });
    expect(error).toMatchObject({ kind: 'size', message: "The file has 99 bytes; the record's file_size is 100" });
  });

  it('refuses more bytes than the limit, naming the limit and its setting', async () => {
    const { error } = await run([randomBytes(600), randomBytes(401)]);
    expect(error).toMatchObject({ kind: 'too-large', keys: ['file'], message: 'The file is larger than the 1000-byte limit for data files (MAX_DATA_FILE_BYTES)' });
    const exactly = await run([randomBytes(600), randomBytes(400)]);
    expect(exactly.error).toBeNull();
  });

  it('refuses a source that was cut at its size limit, even though its end looked clean', async () => {
    const { error } = await run([randomBytes(10)], { truncated: () => true });
    expect(error).toMatchObject({ kind: 'too-large' });
  });

  it('fails the meter when the source reports its limit (graphql-upload-minimal unpipes it then)', async () => {
    const source = new PassThrough() as PassThrough & { truncated?: boolean };
    const meter = new UploadMeter({ limit: LIMIT, expectedBytes: null, expectedMd5: null });
    feed({ filename: 'x', stream: source, truncated: () => source.truncated === true }, meter);
    const done = pipeline(meter, new PassThrough().resume()).catch((e) => e);
    source.write(randomBytes(10));
    source.truncated = true;
    source.emit('limit');
    source.unpipe();
    expect(await done).toMatchObject({ kind: 'too-large' });
  });

  it('holds a few MiB at most: 64 MiB through it in 64 KiB chunks barely moves the heap (the md5 worker\'s blocks in flight)', async () => {
    // What the meter keeps, not garbage waiting for a collection: a full GC before each reading
    // (without it, the figure was whatever the collector had not yet reclaimed: flaky near the bound).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = () => {
      gc();
      return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    };
    const chunk = randomBytes(64 * 1024);
    const count = 1024;
    const before = used();
    let peak = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < count; i++) {
          if (i % 64 === 0) peak = Math.max(peak, used() - before);
          yield chunk;
        }
      })(),
    );
    const meter = new UploadMeter({ limit: { bytes: 1 << 30, setting: 'X' }, expectedBytes: count * chunk.length, expectedMd5: null });
    await pipeline(source, meter, new PassThrough().resume());
    expect(meter.bytes).toBe(64 * 1024 * 1024);
    expect(peak).toBeLessThan(4 * 1024 * 1024);
  });
});
