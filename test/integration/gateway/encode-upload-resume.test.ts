import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { GatewayClient, GatewayError } from '../../../src/cli/gateway-client';
import { DEFAULT_JOB_LOCK_SECONDS, DEFAULT_MAX_RUNNING_JOBS } from '../../../src/config';
import { type RunningGateway, startGateway } from '../../../src/gateway';
import { multipartEtag } from '../../../src/rules/s3/etag';
import { type RunningSandbox, startSandbox } from '../../../src/sandbox';
import { EncodeFileRecords, md5, MiB, UPLOAD, type UploadAnswer } from '../../support/encode-files';
import { gqlAt, JOB_FIELDS, waitForJob } from '../../support/jobs';
import { type S3Proxy, startS3Proxy } from '../../support/s3-proxy';
import { gatewayOptionsOn, ok } from '../../support/stack';


/**
 * Issue 16: an ENCODE multipart upload cut short resumes with the missing parts only. ENCODE's
 * upload credentials grant s3:PutObject alone (no ListParts), so the gateway remembers the parts S3
 * answered (DATA_DIR/upload-state) and, on the next try of the same file, re-reads the bytes and
 * skips each part whose md5 and size are the remembered ETag's. S3 breaks through a proxy that
 * cuts UploadPart connections; UploadParts are counted at that proxy, in front of the sandbox S3.
 */
describe('ENCODE upload resume: a try cut short is finished by the next one with the missing parts only', () => {
  let sandbox: RunningSandbox;
  let proxy: S3Proxy;
  let gateway: RunningGateway;
  let client: GatewayClient;
  let s3: S3Client;
  let dataDir: string;
  let records: EncodeFileRecords;

  const gql = async <T = Record<string, any>>(query: string, variables: Record<string, unknown>) => {
    const res = await fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return ok((await res.json()) as { status: number; data: T });
  };

  beforeAll(async () => {
    sandbox = await startSandbox({});
    proxy = await startS3Proxy(sandbox.s3!.url);
    dataDir = mkdtempSync(path.join(tmpdir(), 'sg-s3resume-'));
    gateway = await startGateway({
      ...gatewayOptionsOn(sandbox),
      jobs: { dataDir, retentionHours: 24, encryptionKey: null, maxRunning: DEFAULT_MAX_RUNNING_JOBS, lockSeconds: DEFAULT_JOB_LOCK_SECONDS },
      encode: { s3Endpoint: sandbox.s3!.url },
      // 5 MiB parts, two in flight: a 24 MiB file is 5 parts.
      uploads: { encodeS3Endpoint: proxy.url, partBytes: 5 * MiB, parallelParts: 2, maxDataFileBytes: 64 * MiB },
    });
    client = new GatewayClient(gateway.graphqlUrl);
    const box = sandbox.s3!;
    s3 = new S3Client({ endpoint: box.url, region: box.region, forcePathStyle: true, credentials: { accessKeyId: box.accessKeyId, secretAccessKey: box.secretAccessKey } });
    records = new EncodeFileRecords((query: string, variables: Record<string, unknown>) => gql(query, variables), sandbox.encode!, 'resume');
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await gateway?.stop();
    await proxy?.close();
    await sandbox?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    proxy.cutAfter(null);
    proxy.reset();
  });

  const fileRecord = (bytes: Buffer) => records.create(bytes);

  const upload = (id: string, bytes: Buffer | (() => Readable), size?: number) =>
    client.upload<UploadAnswer>(UPLOAD, { input: { source: 'ENCODE', id, file: null } }, [
      { path: 'variables.input.file', filename: 'reads.fastq.gz', size: Buffer.isBuffer(bytes) ? bytes.length : size!, open: Buffer.isBuffer(bytes) ? () => Readable.from([bytes]) : bytes },
    ]);
  /** The resume state of a record: the upload file and its part lines, or null when none is kept. */
  const state = (uuid: string) => {
    const base = path.join(dataDir, 'upload-state', `ENCODE.file.${uuid}`);
    if (!existsSync(`${base}.json`)) return existsSync(`${base}.parts`) ? 'parts without upload' : null;
    const parts = existsSync(`${base}.parts`) ? readFileSync(`${base}.parts`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).partNumber as number) : [];
    return { upload: JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { uploadId: string; partBytes: number; bucket: string; key: string }, parts: parts.sort((a, b) => a - b) };
  };
  const inS3 = async (key: string) => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: sandbox.s3!.bucket, Key: key })).then(
      () => 'present',
      (err) => (err.$metadata?.httpStatusCode === 404 ? 'absent' : String(err)),
    );
    const open = ((await s3.send(new ListMultipartUploadsCommand({ Bucket: sandbox.s3!.bucket }))).Uploads ?? []).filter((u) => u.Key === key);
    return { head, openUploads: open.map((u) => u.UploadId) };
  };
  const stored = async (key: string) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: sandbox.s3!.bucket, Key: key }));
    return { etag: got.ETag!.replace(/"/g, ''), md5: md5(Buffer.from(await got.Body!.transformToByteArray())) };
  };
  const partMd5s = (bytes: Buffer) => Array.from({ length: Math.ceil(bytes.length / (5 * MiB)) }, (_, i) => md5(bytes.subarray(i * 5 * MiB, (i + 1) * 5 * MiB)));

  it('S3 breaking after 2 of 5 parts: the try fails remembering them, the next sends parts 3-5 only, the object is right, the state is cleared', async () => {
    const bytes = randomBytes(24 * MiB + 1234);
    const { uuid, accession, key } = await fileRecord(bytes);
    proxy.cutAfter(2);
    const first = (await upload(accession, bytes)).uploadFile;
    expect(first.success).toBe(false);
    expect(first.errors.map((e) => e.type)).toEqual(['UPLOAD_FAILED']);
    expect(first.message).toContain('the 2 part(s) S3 answered are remembered, so the next try of this file sends only the rest');
    expect([...proxy.parts].sort()).toEqual([1, 2]);
    const kept = state(uuid);
    expect(kept).toMatchObject({ upload: { partBytes: 5 * MiB, bucket: sandbox.s3!.bucket, key }, parts: [1, 2] });
    expect(await inS3(key)).toEqual({ head: 'absent', openUploads: [(kept as any).upload.uploadId] });

    proxy.cutAfter(null);
    proxy.reset();
    const second = (await upload(accession, bytes)).uploadFile;
    expect(second).toMatchObject({ success: true, bytes: bytes.length, md5sum: md5(bytes), errors: [] });
    expect(second.message).toContain(`in 5 parts (2 of them, ${10 * MiB} bytes, already in S3 from an earlier try)`);
    expect([...proxy.parts].sort()).toEqual([3, 4, 5]);
    expect(await stored(key)).toEqual({ etag: multipartEtag(partMd5s(bytes)), md5: md5(bytes) });
    expect(state(uuid)).toBeNull();
    expect(await inS3(key)).toEqual({ head: 'present', openUploads: [] });
  });

  it('the caller going away halfway keeps the parts sent: the next try sends the rest only', async () => {
    const bytes = randomBytes(21 * MiB);
    const { uuid, accession, key } = await fileRecord(bytes);
    const breaking = () =>
      Readable.from(
        (async function* () {
          for (let at = 0; at < 12 * MiB; at += MiB) yield bytes.subarray(at, at + MiB);
          // Parts 1 and 2 have gone to S3 by now; then the caller's connection breaks.
          await new Promise((r) => setTimeout(r, 500));
          throw new Error('caller went away');
        })(),
      );
    await expect(upload(accession, breaking, bytes.length)).rejects.toBeInstanceOf(GatewayError);
    for (const end = Date.now() + 10_000; (state(uuid) as any)?.parts?.length !== 2 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    expect(state(uuid)).toMatchObject({ parts: [1, 2] });
    expect((await inS3(key)).head).toBe('absent');

    proxy.reset();
    const again = (await upload(accession, bytes)).uploadFile;
    expect(again).toMatchObject({ success: true, md5sum: md5(bytes) });
    expect([...proxy.parts].sort()).toEqual([3, 4, 5]);
    expect(await stored(key)).toEqual({ etag: multipartEtag(partMd5s(bytes)), md5: md5(bytes) });
    expect(state(uuid)).toBeNull();
  });

  /** A 16 MiB upload cut after 2 parts, its resume state kept, then its S3 upload aborted (as a bucket's lifecycle rule would, after days). */
  async function uploadGoneFromS3() {
    const bytes = randomBytes(16 * MiB);
    const { uuid, accession, key } = await fileRecord(bytes);
    proxy.cutAfter(2);
    expect((await upload(accession, bytes)).uploadFile.success).toBe(false);
    const kept = state(uuid) as { upload: { uploadId: string } };
    await s3.send(new AbortMultipartUploadCommand({ Bucket: sandbox.s3!.bucket, Key: key, UploadId: kept.upload.uploadId }));
    return { bytes, uuid, accession, key, oldUploadId: kept.upload.uploadId };
  }

  it('the upload gone from S3 (NoSuchUpload): that try says so and forgets it, the next starts over from part 1', async () => {
    const { bytes, uuid, accession, key } = await uploadGoneFromS3();

    proxy.cutAfter(null);
    proxy.reset();
    const refused = (await upload(accession, bytes)).uploadFile;
    expect(refused.success).toBe(false);
    expect(refused.errors).toEqual([
      {
        type: 'UPLOAD_FAILED',
        keys: ['file'],
        message: 'S3 no longer has the multipart upload an earlier try left (NoSuchUpload: expired, aborted or completed); it is forgotten now: send the file again to upload it from its first byte',
      },
    ]);
    expect(state(uuid)).toBeNull();

    proxy.reset();
    const fresh = (await upload(accession, bytes)).uploadFile;
    expect(fresh).toMatchObject({ success: true, md5sum: md5(bytes) });
    expect(fresh.message).toContain('in 4 parts;');
    expect([...proxy.parts].sort()).toEqual([1, 2, 3, 4]);
    expect(await stored(key)).toEqual({ etag: multipartEtag(partMd5s(bytes)), md5: md5(bytes) });
    expect(state(uuid)).toBeNull();
  });

  it('an upload job (its spooled bytes can be read again) meeting NoSuchUpload starts over at once and succeeds', async () => {
    const { bytes, uuid, accession, key, oldUploadId } = await uploadGoneFromS3();

    proxy.cutAfter(null);
    proxy.reset();
    const START = `mutation U($input: UploadFileInput!) { startUploadFile(input: $input) { ${JOB_FIELDS} } }`;
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: START, variables: { input: { source: 'ENCODE', id: accession, file: null } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', new Blob([new Uint8Array(bytes)]), 'reads.fastq.gz');
    const started = (await (await fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form })).json()) as { data: any; errors?: unknown[] };
    expect(started.errors).toBeUndefined();
    const done = await waitForJob(gqlAt(gateway.graphqlUrl), started.data.startUploadFile.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', error: null });
    // Part 3 (and 4, when it was read before 3 was answered) met NoSuchUpload on the old upload; then all 4 parts went to a new one.
    const to = (id: string) => proxy.partRequests.filter((r) => r.uploadId === id).map((r) => r.partNumber).sort();
    expect([[3], [3, 4]]).toContainEqual(to(oldUploadId));
    const fresh = [...new Set(proxy.partRequests.map((r) => r.uploadId))].filter((id) => id !== oldUploadId);
    expect(fresh).toHaveLength(1);
    expect(to(fresh[0])).toEqual([1, 2, 3, 4]);
    expect(await stored(key)).toEqual({ etag: multipartEtag(partMd5s(bytes)), md5: md5(bytes) });
    expect(state(uuid)).toBeNull();
  });

  it('bytes refused (md5 not the record one) after parts were sent: nothing kept for a resume', async () => {
    const meant = randomBytes(11 * MiB);
    const sent = Buffer.from(meant);
    sent[sent.length - 1] ^= 0xff;
    const { uuid, accession, key } = await fileRecord(meant);
    const r = (await upload(accession, sent)).uploadFile;
    expect(r.success).toBe(false);
    expect(r.errors.map((e) => e.keys)).toEqual([['md5sum']]);
    expect([...proxy.parts].sort()).toEqual([1, 2]);
    expect(state(uuid)).toBeNull();
    expect(await inS3(key)).toEqual({ head: 'absent', openUploads: [] });
  });

  it("refused bytes when the credentials cannot abort (AccessDenied, as ENCODE's): the same refusal, nothing kept for a resume", async () => {
    const meant = randomBytes(11 * MiB);
    const sent = Buffer.from(meant);
    sent[0] ^= 0xff;
    const { uuid, accession, key } = await fileRecord(meant);
    proxy.denyAborts(true);
    try {
      const r = (await upload(accession, sent)).uploadFile;
      expect(r).toMatchObject({ success: false, md5sum: md5(sent) });
      expect(r.message).toMatch(/^Upload refused, nothing stored: /);
      expect(r.errors.map((e) => [e.type, e.keys])).toEqual([['INVALID_VALUE', ['md5sum']]]);
      expect(proxy.deniedAborts).toBe(1);
    } finally {
      proxy.denyAborts(false);
    }
    expect(state(uuid)).toBeNull();
    // Left open for the bucket's own expiry rule; never completed.
    expect((await inS3(key)).head).toBe('absent');
    expect((await inS3(key)).openUploads).toHaveLength(1);
  });
});
