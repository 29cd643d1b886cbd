import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { GatewayClient, GatewayError } from '../../../src/cli/gateway-client';
import { multipartEtag } from '../../../src/rules/s3/etag';
import { ENCODE_SANDBOX_KEYS } from '../../../src/sandbox';
import { EncodeFileRecords, md5, MiB, UPLOAD, type UploadAnswer } from '../../support/encode-files';
import { ok, startStack, type Stack } from '../../support/stack';


describe('uploadFile (ENCODE): bytes to the record S3 key, checked on the way (sandbox over HTTP)', () => {
  let stack: Stack;
  let client: GatewayClient;
  let s3: S3Client;
  let records: EncodeFileRecords;

  beforeAll(async () => {
    // Small limits so the tests stay small: 5 MiB parts, documents up to 1 MiB, data files up to 20 MiB.
    stack = await startStack({}, { maxUploadBytes: 1 * MiB, uploads: { partBytes: 5 * MiB, parallelParts: 3, maxDataFileBytes: 20 * MiB } });
    client = new GatewayClient(stack.gateway.graphqlUrl);
    const s3box = stack.sandbox.s3!;
    s3 = new S3Client({
      endpoint: s3box.url,
      region: s3box.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3box.accessKeyId, secretAccessKey: s3box.secretAccessKey },
    });
    records = new EncodeFileRecords(async (query: string, variables: Record<string, unknown>) => ok(await stack.gql(query, variables)), stack.sandbox.encode!, 'upload');
  });
  afterAll(async () => {
    s3.destroy();
    await stack.stop();
  });

  const fileRecord = (bytes: Buffer, extra: Record<string, unknown> = {}) => records.create(bytes, extra);

  const upload = (id: string, bytes: Buffer | (() => Readable), size?: number) =>
    client.upload<UploadAnswer>(UPLOAD, { input: { source: 'ENCODE', id, file: null } }, [
      { path: 'variables.input.file', filename: 'reads.fastq.gz', size: Buffer.isBuffer(bytes) ? bytes.length : size!, open: Buffer.isBuffer(bytes) ? () => Readable.from([bytes]) : bytes },
    ]);
  const stored = async (key: string) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: stack.sandbox.s3!.bucket, Key: key }));
    return { etag: got.ETag!.replace(/"/g, ''), bytes: Buffer.from(await got.Body!.transformToByteArray()) };
  };
  const absent = async (key: string) => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: stack.sandbox.s3!.bucket, Key: key })).then(
      () => 'present',
      (err) => (err.$metadata?.httpStatusCode === 404 ? 'absent' : String(err)),
    );
    const open = (await s3.send(new ListMultipartUploadsCommand({ Bucket: stack.sandbox.s3!.bucket }))).Uploads ?? [];
    return { head, openUploads: open.filter((u) => u.Key === key).length };
  };

  /** gateway_upload_bytes_total{source="ENCODE"} from GET /metrics. */
  const uploadedBytesMetric = async () => {
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    return Number(/^gateway_upload_bytes_total\{source="ENCODE"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  };

  it('sends a small file in one PUT: the object is the bytes, with their md5 as ETag', async () => {
    const bytes = randomBytes(300 * 1024);
    const { accession, key } = await fileRecord(bytes);
    const counted = await uploadedBytesMetric();
    const { uploadFile: r } = await upload(accession, bytes);
    expect(await uploadedBytesMetric()).toBe(counted + bytes.length);
    expect(r).toMatchObject({ source: 'ENCODE', id: accession, success: true, bytes: bytes.length, md5sum: md5(bytes), errors: [] });
    expect(r.message).toContain('in one PUT');
    const object = await stored(key);
    expect(object.etag).toBe(md5(bytes));
    expect(md5(object.bytes)).toBe(md5(bytes));
  });

  it("sends a larger file as a multipart upload: S3's part-md5 ETag, the whole file's md5", async () => {
    const bytes = randomBytes(12 * MiB + 12345);
    const { uuid, key } = await fileRecord(bytes);
    const { uploadFile: r } = await upload(uuid, bytes);
    expect(r).toMatchObject({ success: true, bytes: bytes.length, md5sum: md5(bytes), errors: [] });
    expect(r.message).toContain('in 3 parts');
    const object = await stored(key);
    const parts = [bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB, 10 * MiB), bytes.subarray(10 * MiB)].map(md5);
    expect(object.etag).toBe(multipartEtag(parts));
    expect(md5(object.bytes)).toBe(md5(bytes));
  });

  it("refuses bytes whose md5 is not the record's and leaves nothing complete (single and multipart)", async () => {
    for (const size of [200 * 1024, 11 * MiB]) {
      const meant = randomBytes(size);
      const sent = Buffer.from(meant);
      sent[sent.length - 1] ^= 0xff; // the last byte differs: only the end of the stream can tell
      const { accession, key } = await fileRecord(meant);
      const { uploadFile: r } = await upload(accession, sent);
      expect(r).toMatchObject({ success: false, bytes: size, md5sum: md5(sent) });
      expect(r.errors).toEqual([{ type: 'INVALID_VALUE', keys: ['md5sum'], message: `The md5 of the file's bytes is ${md5(sent)}; the record's md5sum is ${md5(meant)}` }]);
      expect(r.message).toMatch(/^Upload refused, nothing stored/);
      expect(await absent(key)).toEqual({ head: 'absent', openUploads: 0 });
    }
  });

  it("refuses a file whose size is not the record's file_size", async () => {
    const bytes = randomBytes(6 * MiB);
    const { accession, key } = await fileRecord(bytes, { file_size: 6 * MiB - 1 });
    const { uploadFile: r } = await upload(accession, bytes);
    expect(r.success).toBe(false);
    expect(r.errors).toEqual([{ type: 'INVALID_VALUE', keys: ['file_size'], message: `The file has more bytes than the record's file_size (${6 * MiB - 1})` }]);
    expect(await absent(key)).toEqual({ head: 'absent', openUploads: 0 });
  });

  it('renews expired upload credentials with POST @@upload before sending', async () => {
    const bytes = randomBytes(64 * 1024);
    const { uuid, accession, key } = await fileRecord(bytes);
    stack.sandbox.encode!.emulator.portal.expireUploadCredentials(uuid);
    stack.sandbox.encode!.requests.reset();
    const { uploadFile: r } = await upload(accession, bytes);
    expect(r.success).toBe(true);
    expect(r.message).toContain('upload credentials renewed first');
    expect(stack.sandbox.encode!.requests.entries.filter((e) => e.method === 'POST').map((e) => [e.path, e.status])).toEqual([[`/files/${uuid}/@@upload`, 200]]);
    expect(md5((await stored(key)).bytes)).toBe(md5(bytes));

    // Fresh credentials are used as they are: no second renewal.
    stack.sandbox.encode!.requests.reset();
    expect((await upload(accession, bytes)).uploadFile.success).toBe(true);
    expect(stack.sandbox.encode!.requests.count({ method: 'POST' })).toBe(0);
  });

  it('refuses a file whose record no longer takes bytes (status in progress), uploading nothing', async () => {
    const bytes = randomBytes(2000);
    const { uuid, accession, key } = await fileRecord(bytes);
    const admin = ENCODE_SANDBOX_KEYS.admin;
    const patched = await stack.gql(
      `mutation($input: PatchRecordInput!) { patchRecord(input: $input) { success } }`,
      { input: { source: 'ENCODE', id: uuid, patch: { status: 'in progress' } } },
      { 'x-dcc-api-key': admin.id, 'x-dcc-secret-key': admin.secret },
    );
    expect(ok(patched).patchRecord.success).toBe(true);
    const { uploadFile: r } = await upload(accession, bytes);
    expect(r).toMatchObject({ success: false, bytes: null });
    expect(r.errors).toEqual([
      {
        type: 'INVALID_PERMISSIONS',
        keys: ['status'],
        message: `The ENCODE portal issues no upload credentials for file ${accession} (status in progress): status must be "uploading" to issue new credentials`,
      },
    ]);
    expect(await absent(key)).toEqual({ head: 'absent', openUploads: 0 });
  });

  it('refuses a data file over MAX_DATA_FILE_BYTES clearly, whether the record says so or the bytes do', async () => {
    const big = randomBytes(21 * MiB);
    const declared = await fileRecord(big);
    const early = (await upload(declared.accession, big)).uploadFile;
    expect(early).toMatchObject({ success: false, bytes: null });
    expect(early.errors).toEqual([
      { type: 'INVALID_VALUE', keys: ['file_size'], message: `File ${declared.accession} has ${21 * MiB} bytes, more than the ${20 * MiB}-byte limit for data files (MAX_DATA_FILE_BYTES)` },
    ]);

    // No file_size on the record: the gateway's multipart parser cuts the stream at the limit and says so.
    const other = randomBytes(21 * MiB); // md5 is a unique key: another record needs other bytes
    const undeclared = await fileRecord(other, { file_size: null });
    const cut = (await upload(undeclared.accession, other)).uploadFile;
    expect(cut.success).toBe(false);
    expect(cut.errors).toEqual([{ type: 'INVALID_VALUE', keys: ['file'], message: `The file is larger than the ${20 * MiB}-byte limit for data files (MAX_DATA_FILE_BYTES)` }]);
    expect(await absent(undeclared.key)).toEqual({ head: 'absent', openUploads: 0 });
  });

  it('answers a missing record and a record that is not a file in the result', async () => {
    const bytes = randomBytes(1000);
    const missing = (await upload('sandbox-lab:no-such-file', bytes)).uploadFile;
    expect(missing).toMatchObject({ success: false, errors: [{ type: 'NOT_FOUND', keys: ['id'] }] });
    const experiment = await records.experimentAccession();
    const notFile = (await upload(experiment, bytes)).uploadFile;
    expect(notFile.errors).toEqual([{ type: 'INVALID_VALUE', keys: ['id'], message: `ENCODE record '${experiment}' is a Experiment, not a file` }]);

  });

  it('keeps answering other callers while an upload streams in', async () => {
    const bytes = randomBytes(12 * MiB);
    const { accession } = await fileRecord(bytes);
    // The client sends 256 KiB every 20 ms: the upload lasts about a second.
    const slowly = () =>
      Readable.from(
        (async function* () {
          for (let at = 0; at < bytes.length; at += 256 * 1024) {
            await new Promise((r) => setTimeout(r, 20));
            yield bytes.subarray(at, at + 256 * 1024);
          }
        })(),
      );
    let uploadDone = 0;
    const uploading = upload(accession, slowly, bytes.length).then((r) => ((uploadDone = performance.now()), r));
    const latencies: number[] = [];
    const answeredAt: number[] = [];
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 60));
      const t = performance.now();
      ok(await stack.gql('{ gatewayInfo { version } }'));
      answeredAt.push(performance.now());
      latencies.push(performance.now() - t);
    }
    expect((await uploading).uploadFile.success).toBe(true);
    expect(Math.max(...answeredAt)).toBeLessThan(uploadDone);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});
