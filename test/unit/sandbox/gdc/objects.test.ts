import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { MIN_PART_BYTES, ObjectStore } from '../../../../src/sandbox/gdc/files/objects';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Completes a multipart upload of `count` parts; returns the object, its parts and the file stream it was written with. */
async function completeUpload(store: ObjectStore, count: number) {
  const written: fs.WriteStream[] = [];
  const create = fs.createWriteStream;
  const spy = jest.spyOn(fs, 'createWriteStream').mockImplementation((...args: Parameters<typeof create>) => {
    const stream = create(...args);
    written.push(stream);
    return stream;
  });
  try {
    const key = `bucket/${count}`;
    const id = store.initiate(key);
    const parts = Array.from({ length: count }, (_, i) => Buffer.alloc(i < count - 1 ? MIN_PART_BYTES : 1000, 65 + i));
    const listed = [];
    for (const [i, bytes] of parts.entries()) listed.push(await store.putPart(key, id, i + 1, Readable.from([bytes])));
    written.length = 0; // only the stream that joins the parts
    const stored = await store.complete(key, id, listed.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
    return { stored, parts, joinedWith: written };
  } finally {
    spy.mockRestore();
  }
}

describe('the sandbox object store: completing a multipart upload', () => {
  let store: ObjectStore;
  beforeEach(() => (store = new ObjectStore()));
  afterEach(() => store.close());

  it('joins 12 parts into one object with the S3 ETag (md5 of the part md5s, -12)', async () => {
    const { stored, parts } = await completeUpload(store, 12);
    const whole = Buffer.concat(parts);
    expect(stored.size).toBe(whole.length);
    expect(stored.md5).toBe(md5(whole));
    expect(md5(fs.readFileSync(stored.path))).toBe(md5(whole));
    const ofParts = createHash('md5').update(Buffer.concat(parts.map((p) => Buffer.from(md5(p), 'hex')))).digest('hex');
    expect(stored.etag).toBe(`${ofParts}-12`);
  });

  it('leaves as many listeners on the file it writes for 12 parts as for 2 (no MaxListenersExceededWarning)', async () => {
    // A pipeline per part into the same file (`end: false`) left an error listener on it per part.
    const two = await completeUpload(store, 2);
    const twelve = await completeUpload(store, 12);
    expect(two.joinedWith).toHaveLength(1);
    expect(twelve.joinedWith).toHaveLength(1);
    expect(twelve.joinedWith[0].listenerCount('error')).toBe(two.joinedWith[0].listenerCount('error'));
  });
});

describe('the sandbox object store: upload ids', () => {
  it('are letters and digits like S3 ids, never starting with "-" (gdc-client takes them as `-u <id>`), and unique', () => {
    const store = new ObjectStore();
    try {
      const ids = Array.from({ length: 5000 }, (_, i) => store.initiate(`bucket/ids-${i}`));
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(new Set(ids).size).toBe(ids.length);
      // Every letter and digit turns up, so no part of the alphabet is lost: 5000 x 64 draws.
      expect(new Set(ids.join('')).size).toBe(62);
    } finally {
      store.close();
    }
  });
});
