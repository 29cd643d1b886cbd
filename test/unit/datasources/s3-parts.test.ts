import { Readable } from 'node:stream';
import { fileParts, PartPool } from '../../../src/datasources/s3/parts';

function chunks(total: number, size: number): Readable {
  const out: Buffer[] = [];
  for (let i = 0; i < total; i += size) out.push(Buffer.alloc(Math.min(size, total - i), i / size));
  return Readable.from(out);
}

describe('GDC upload parts', () => {
  it('cuts a stream into parts of exactly partBytes, the last one shorter, seeing every chunk in order', async () => {
    const pool = new PartPool(10);
    const seen: number[] = [];
    const parts: Buffer[] = [];
    for await (const part of fileParts(chunks(25, 4), pool, (c) => void seen.push(c.length))) parts.push(Buffer.from(part));
    expect(parts.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(seen).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(Buffer.concat(parts)).toEqual(Buffer.concat([0, 1, 2, 3, 4, 5, 6].map((v, i) => Buffer.alloc(i === 6 ? 1 : 4, v))));
  });

  it('reuses the buffer of a part given back, so a file needs only the parts held at once', async () => {
    const pool = new PartPool(8);
    const buffers = new Set<ArrayBufferLike>();
    for await (const part of fileParts(chunks(80, 8), pool, () => undefined)) {
      buffers.add(part.buffer);
      pool.give(part);
    }
    // Ten parts, one buffer: each is given back before the next is cut.
    expect(buffers.size).toBe(1);
  });

  it('takes the whole buffer back from the short last part, and never a foreign one', () => {
    const pool = new PartPool(8);
    const part = pool.take();
    pool.give(part.subarray(0, 3));
    const again = pool.take();
    expect(again.buffer).toBe(part.buffer);
    expect(again.length).toBe(8);
    pool.give(Buffer.alloc(16).subarray(4, 12));
    const fresh = pool.take();
    expect(fresh.length).toBe(8);
    expect(fresh.byteOffset).toBe(0);
    expect(fresh.buffer.byteLength).toBe(8);
  });
});
