import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { CREATE, docs, gqlWithStream, readGroupChain } from '../support/gdc';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';
import { type PrivateRedis, startPrivateRedis } from '../support/redis';

/**
 * Issue 17: with REDIS_URL, the resume state of a GDC multipart upload (its upload id and part
 * size) is in Redis, so an upload started through instance A, which is then SIGKILLed, resumes
 * through instance B sending only the parts GDC does not have. Each instance has a disk of its own
 * (TMPDIR), as containers do: nothing reaches B except through Redis.
 */
const UPLOAD = `mutation U($input: UploadFileInput!) { uploadFile(input: $input) { success message bytes md5sum } }`;
const MiB = 1024 * 1024;
const PART = 8 * MiB;
const SIZE = 30 * MiB; // 4 parts

let sandbox: RunningSandbox;
let redis: PrivateRedis;
const disks: string[] = [];
let a: (RunningProcess & { url: string; graphqlUrl: string }) | undefined;
let b: (RunningProcess & { url: string; graphqlUrl: string }) | undefined;

function gateway(): Promise<RunningProcess & { url: string; graphqlUrl: string }> {
  const disk = mkdtempSync(path.join(tmpdir(), 'sg-instance-'));
  disks.push(disk);
  return startGatewayProcess({
    TMPDIR: disk,
    ENCODE_URL: sandbox.encode!.url,
    GDC_URL: sandbox.gdc!.url,
    GDC_TOKEN: sandbox.gdc!.token,
    REDIS_URL: redis.url,
    UPLOAD_PART_BYTES: String(PART),
    UPLOAD_PARALLEL_PARTS: '1',
    ACCESS_LOG: 'off',
  });
}

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({ encodeProfiles: dataPath('encode', 'profiles'), encodeSeed: null, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') }), startPrivateRedis()]);
  [a, b] = await Promise.all([gateway(), gateway()]);
}, 120_000);
afterAll(async () => {
  kill(a);
  kill(b);
  await Promise.all([redis?.stop(), sandbox?.stop()]);
  for (const d of disks) rmSync(d, { recursive: true, force: true });
});

/** Deterministic bytes that are not all alike (a part in the wrong place changes the md5). */
function bytesOf(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}

async function* pieces(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += 256 * 1024) yield bytes.subarray(i, i + 256 * 1024);
}

async function gql(url: string, query: string, variables: Record<string, unknown>) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.body.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

it('an upload started through A, A SIGKILLed, resumes through B sending only the missing parts', async () => {
  const bytes = bytesOf(SIZE);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const created = (
    await gql(b!.graphqlUrl, CREATE, {
      input: {
        source: 'GDC',
        project: 'GDC-INTERNAL',
        entities: [...readGroupChain('RR'), docs.unalignedReads('RR-FILE', 'RR-RG', { name: 'reads.fastq', size: SIZE, md5 })],
      },
    })
  ).createEntities;
  expect(created.success).toBe(true);
  const id = created.entities.find((e: any) => e.type === 'submitted_unaligned_reads').id as string;
  const puts = () => sandbox.gdc!.requests.count({ method: 'PUT', pathPrefix: `/v0/submission/GDC/INTERNAL/files/${id}` });

  // Through A: two parts land, then A dies with the caller's bytes still coming.
  let killed = false;
  async function* untilKilled(): AsyncGenerator<Buffer> {
    for await (const piece of pieces(bytes)) {
      if (!killed && puts() >= 2) {
        a!.child.kill('SIGKILL');
        killed = true;
        await a!.exited;
      }
      yield piece;
    }
  }
  // In parts (partBytes), which an instance that takes over can resume.
  await expect(gqlWithStream(a!.graphqlUrl, UPLOAD, { input: { source: 'GDC', id, project: 'GDC-INTERNAL', file: null, partBytes: PART } }, 'variables.input.file', 'reads.fastq', untilKilled())).rejects.toThrow();
  expect(killed).toBe(true);
  // A part whose answer was on its way when A died may still land: read the count once it is still.
  await new Promise((r) => setTimeout(r, 500));
  const before = puts();
  expect(before).toBeGreaterThanOrEqual(2);
  expect(before).toBeLessThan(4);

  // What B will find: the upload id in Redis, nothing on either instance's disk.
  const client = new Redis(redis.url);
  try {
    const saved = JSON.parse((await client.get(`submission-gateway:gdc-upload:GDC-INTERNAL:${id}`)) ?? 'null');
    expect(saved).toEqual({ uploadId: expect.any(String), partBytes: PART });
    expect(await client.ttl(`submission-gateway:gdc-upload:GDC-INTERNAL:${id}`)).toBeGreaterThan(6 * 24 * 3600);
    for (const disk of disks) expect(readdirSync(disk, { recursive: true }).filter((f) => String(f).endsWith('.json'))).toEqual([]);

    const resumed = await gqlWithStream(b!.graphqlUrl, UPLOAD, { input: { source: 'GDC', id, project: 'GDC-INTERNAL', file: null, partBytes: PART } }, 'variables.input.file', 'reads.fastq', pieces(bytes));
    expect(resumed.errors).toBeUndefined();
    expect(resumed.data.uploadFile).toMatchObject({ success: true, bytes: SIZE, md5sum: md5 });
    const reused = Number(/^Uploaded \d+ bytes in 4 parts, (\d) of them already there from an earlier try; md5 and size match the entity\.$/.exec(resumed.data.uploadFile.message)?.[1]);
    expect(reused).toBeGreaterThanOrEqual(2);
    // Only the missing parts were sent through B.
    expect(puts() - before).toBe(4 - reused);
    expect(sandbox.gdc!.emulator.files.stored(id)).toMatchObject({ size: SIZE, md5 });
    // Completed: nothing left to resume.
    expect(await client.exists(`submission-gateway:gdc-upload:GDC-INTERNAL:${id}`)).toBe(0);
  } finally {
    client.disconnect();
  }
}, 120_000);
