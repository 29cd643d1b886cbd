import { createHash } from 'node:crypto';
import { ok, startStack, type Stack } from '../../support/stack';
import { CREATE, docs, ENTITIES, gqlWithStream, readGroupChain } from '../../support/gdc';

const UPLOAD = `mutation U($input: UploadFileInput!) { uploadFile(input: $input) { source id success message bytes md5sum errors { type message keys } } }`;
const MiB = 1024 * 1024;

/** Deterministic bytes that are not all alike (so a part in the wrong place changes the md5). */
function bytesOf(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}

async function* pieces(bytes: Buffer, stopAfter = Infinity): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += 256 * 1024) {
    if (i >= stopAfter) throw new Error('the client went away');
    yield bytes.subarray(i, i + 256 * 1024);
  }
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A value once it has stopped changing for half a second (parts still in flight land first). */
async function settled(read: () => number): Promise<number> {
  let value = read();
  for (let stable = 0; stable < 5; ) {
    await new Promise((r) => setTimeout(r, 100));
    const next = read();
    stable = next === value ? stable + 1 : 0;
    value = next;
  }
  return value;
}

/** uploadFile(source: GDC) to the sandbox's files endpoint: single PUT, multipart, retries, resume, checks. */
describe('GDC data file uploads through the gateway', () => {
  let stack: Stack;
  let n = 0;

  beforeAll(async () => {
    stack = await startStack();
    const r = ok(
      await stack.gql(CREATE, {
        input: { source: 'GDC', project: 'GDC-INTERNAL', entities: readGroupChain('UP') },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
  });
  afterAll(() => stack.stop());
  afterEach(() => stack.sandbox.gdc!.emulator.faults.clear());

  /** A data file entity registered with these bytes' md5 and size (or the ones given). */
  async function register(bytes: Buffer, claimed: { md5?: string; size?: number } = {}): Promise<string> {
    const name = `reads-${++n}.fastq`;
    const md5 = claimed.md5 ?? createHash('md5').update(bytes).digest('hex');
    const r = ok(
      await stack.gql(CREATE, {
        input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [docs.unalignedReads(`UP-FILE-${n}`, 'UP-RG', { name, size: claimed.size ?? bytes.length, md5 })] },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
    return r.entities[0].id;
  }
  /** uploadFile; with partBytes (gdc-client's -c) a file of at least that size goes in parts, without it one below 1 GiB in one PUT. */
  const upload = (id: string, source: AsyncIterable<Buffer>, partBytes?: number) =>
    gqlWithStream(stack.gateway.graphqlUrl, UPLOAD, { input: { source: 'GDC', id, project: 'GDC-INTERNAL', file: null, ...(partBytes ? { partBytes } : {}) } }, 'variables.input.file', 'reads.fastq', source);
  const PARTS = 8 * MiB;
  const fileState = async (id: string) => ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [id] })).gdcEntities[0].properties.file_state;
  /** What the sandbox's object store holds for the file: size and md5 of the bytes that arrived. */
  const stored = (id: string) => stack.sandbox.gdc!.emulator.files.stored(id);
  const md5Of = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
  const puts = (id: string) => stack.sandbox.gdc!.requests.count({ method: 'PUT', pathPrefix: `/v0/submission/GDC/INTERNAL/files/${id}` });
  const posts = (id: string) => stack.sandbox.gdc!.requests.count({ method: 'POST', pathPrefix: `/v0/submission/GDC/INTERNAL/files/${id}` });

  it('sends a small file in one PUT: uploaded, md5 and size as registered', async () => {
    const bytes = bytesOf(100 * 1024, 1);
    const id = await register(bytes);
    const r = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(r).toMatchObject({ source: 'GDC', id, success: true, bytes: bytes.length, md5sum: createHash('md5').update(bytes).digest('hex'), errors: [] });
    expect(r.message).toMatch(/in one PUT/);
    expect(await fileState(id)).toBe('uploaded');
    expect(stored(id)).toMatchObject({ size: bytes.length, md5: md5Of(bytes) });
    expect(puts(id)).toBe(1);
    const again = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(again).toMatchObject({ success: false, message: 'GDC refused the upload (HTTP 400): File in uploaded state, upload not allowed' });
  });

  it('refuses bytes whose md5 is not the registered one, before sending anything', async () => {
    const bytes = bytesOf(1000, 2);
    const id = await register(bytes, { md5: '0'.repeat(32) });
    const r = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(r).toMatchObject({ success: false, errors: [{ type: 'INVALID_VALUE', keys: ['md5sum'] }] });
    expect(r.message).toBe(`The md5 of the file's bytes is ${createHash('md5').update(bytes).digest('hex')}; the entity's md5sum is ${'0'.repeat(32)}: nothing was sent.`);
    expect(puts(id)).toBe(0);
    expect(await fileState(id)).toBe('registered');
  });

  it('sends 50 MiB in parallel parts, retrying a part that failed, and completes with the md5 checked', async () => {
    const bytes = bytesOf(50 * MiB, 3);
    const id = await register(bytes);
    stack.sandbox.gdc!.emulator.faults.set([{ method: 'PUT', path: `/files/${id}$`, errorRate: 1, status: 500, times: 1 }]);
    const r = ok<any>(await upload(id, pieces(bytes), PARTS)).uploadFile;
    expect(r).toMatchObject({ success: true, bytes: 50 * MiB, md5sum: createHash('md5').update(bytes).digest('hex') });
    expect(r.message).toBe(`Uploaded ${50 * MiB} bytes in 7 parts; md5 and size match the entity.`);
    expect(puts(id)).toBe(8); // 7 parts and the one retried
    expect(await fileState(id)).toBe('uploaded');
    expect(stored(id)).toMatchObject({ size: 50 * MiB, md5: md5Of(bytes) });
  });

  it('resumes an interrupted upload from the parts GDC lists, sending only the rest', async () => {
    const bytes = bytesOf(50 * MiB, 4);
    const id = await register(bytes);
    // The client goes away after 30 MiB, once GDC has at least two parts.
    async function* breaking(): AsyncGenerator<Buffer> {
      yield* pieces(bytes.subarray(0, 30 * MiB));
      await until(() => puts(id) >= 2);
      throw new Error('the client went away');
    }
    await expect(upload(id, breaking(), PARTS)).rejects.toThrow();
    const before = await settled(() => puts(id));
    expect(before).toBeGreaterThanOrEqual(2);
    expect(await fileState(id)).toBe('uploading');
    // Without partBytes too: the interrupted multipart upload is resumed, not replaced by one PUT.
    const r = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(r).toMatchObject({ success: true, md5sum: md5Of(bytes) });
    expect(r.message).toBe(`Uploaded ${50 * MiB} bytes in 7 parts, ${before} of them already there from an earlier try; md5 and size match the entity.`);
    expect(puts(id) - before).toBe(7 - before);
    expect(await fileState(id)).toBe('uploaded');
    expect(stored(id)).toMatchObject({ size: 50 * MiB, md5: md5Of(bytes) });
  });

  it('stops after a part fails every try, and the next try resumes it', async () => {
    const bytes = bytesOf(20 * MiB, 5);
    const id = await register(bytes);
    stack.sandbox.gdc!.emulator.faults.set([{ method: 'PUT', path: `/files/${id}$`, errorRate: 1, status: 503 }]);
    const r = ok<any>(await upload(id, pieces(bytes), PARTS)).uploadFile;
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/^Part \d failed after 4 tries: .*503.*\. 0 part\(s\) of 3 are uploaded \(upload .+\); upload the same file again to resume/);
    stack.sandbox.gdc!.emulator.faults.clear();
    expect(ok<any>(await upload(id, pieces(bytes), PARTS)).uploadFile).toMatchObject({ success: true });
  });

  it('aborts a multipart upload whose md5 is not the registered one', async () => {
    const bytes = bytesOf(12 * MiB, 6);
    const id = await register(bytes, { md5: 'f'.repeat(32) });
    const r = ok<any>(await upload(id, pieces(bytes), PARTS)).uploadFile;
    expect(r).toMatchObject({ success: false, errors: [{ type: 'INVALID_VALUE', keys: ['md5sum'] }] });
    expect(r.message).toMatch(/: the multipart upload was aborted \(file_state is registered again\)\.$/);
    expect(await fileState(id)).toBe('registered');
  });

  it('streams a file of 8 MiB to 1 GiB in one PUT without partBytes, as gdc-client does below its part size', async () => {
    const bytes = bytesOf(20 * MiB, 8);
    const id = await register(bytes);
    const r = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(r).toMatchObject({ success: true, bytes: 20 * MiB, md5sum: md5Of(bytes), errors: [] });
    expect(r.message).toBe(`Uploaded ${20 * MiB} bytes in one PUT; md5 and size match the entity.`);
    expect(puts(id)).toBe(1);
    expect(posts(id)).toBe(0);
    expect(await fileState(id)).toBe('uploaded');
    expect(stored(id)).toMatchObject({ size: 20 * MiB, md5: md5Of(bytes) });
    // GDC refuses a second one at once, before reading its bytes: answered all the same.
    const again = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(again).toMatchObject({ success: false, message: 'GDC refused the upload (HTTP 400): File in uploaded state, upload not allowed' });
  });

  it('stops a streamed PUT before its last bytes when they are not the entity\'s: GDC stores nothing', async () => {
    const bytes = bytesOf(20 * MiB, 9);
    const wrongMd5 = await register(bytes, { md5: 'e'.repeat(32) });
    const r = ok<any>(await upload(wrongMd5, pieces(bytes))).uploadFile;
    expect(r).toMatchObject({ success: false, errors: [{ type: 'INVALID_VALUE', keys: ['md5sum'] }] });
    expect(r.message).toBe(`The md5 of the file's bytes is ${md5Of(bytes)}; the entity's md5sum is ${'e'.repeat(32)}: the PUT was stopped before its last bytes, so GDC stored nothing.`);
    // The PUT reached GDC (file_state uploading, from which a new upload may start) and never completed.
    expect(await fileState(wrongMd5)).toBe('uploading');
    expect(stored(wrongMd5)).toBeUndefined();

    const shorter = await register(bytes, { size: 21 * MiB });
    const short = ok<any>(await upload(shorter, pieces(bytes))).uploadFile;
    expect(short).toMatchObject({ success: false, errors: [{ type: 'INVALID_VALUE', keys: ['file_size'] }] });
    expect(short.message).toBe(`The file has ${20 * MiB} bytes; the entity's file_size is ${21 * MiB}: the PUT was stopped before its last bytes, so GDC stored nothing.`);
    expect(stored(shorter)).toBeUndefined();

    const longer = await register(bytes, { size: 19 * MiB });
    expect(ok<any>(await upload(longer, pieces(bytes))).uploadFile).toMatchObject({ success: false, errors: [{ type: 'INVALID_VALUE', keys: ['file_size'] }] });
    expect(stored(longer)).toBeUndefined();
  });

  it('sends an interrupted streamed PUT again whole (one PUT cannot be resumed)', async () => {
    const bytes = bytesOf(20 * MiB, 10);
    const id = await register(bytes);
    async function* breaking(): AsyncGenerator<Buffer> {
      yield* pieces(bytes.subarray(0, 10 * MiB));
      throw new Error('the client went away');
    }
    await expect(upload(id, breaking())).rejects.toThrow();
    expect(stored(id)).toBeUndefined();
    const r = ok<any>(await upload(id, pieces(bytes))).uploadFile;
    expect(r).toMatchObject({ success: true, bytes: 20 * MiB, md5sum: md5Of(bytes) });
    expect(r.message).toBe(`Uploaded ${20 * MiB} bytes in one PUT; md5 and size match the entity.`);
    expect(posts(id)).toBe(0);
    expect(stored(id)).toMatchObject({ size: 20 * MiB, md5: md5Of(bytes) });
  });

  it('refuses bytes beyond the registered file_size, and an entity that is not a data file', async () => {
    const bytes = bytesOf(12 * MiB, 7);
    const id = await register(bytes, { size: 9 * MiB });
    const r = ok<any>(await upload(id, pieces(bytes), PARTS)).uploadFile;
    expect(r).toMatchObject({ success: false, errors: [{ keys: ['file_size'] }] });
    expect(await fileState(id)).toBe('registered');
    const [caseId] = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [id] })).gdcEntities[0].properties.read_groups.map((g: any) => g.id);
    const notFile = ok<any>(await upload(caseId, pieces(Buffer.from('x')))).uploadFile;
    expect(notFile).toMatchObject({ success: false, errors: [{ type: 'INVALID_TYPE' }] });
  });
});
