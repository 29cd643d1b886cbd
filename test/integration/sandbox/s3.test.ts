import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3Sandbox, type S3Sandbox } from '../../../src/sandbox/s3';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const hex = (b: Buffer) => md5(b).toString('hex');
const b64 = (b: Buffer) => md5(b).toString('base64');

describe('sandbox S3 answers like S3 where clients can tell', () => {
  let s3: S3Sandbox;
  let client: S3Client;
  const bucket = () => s3.bucket;

  beforeAll(async () => {
    s3 = await startS3Sandbox();
    client = new S3Client({
      endpoint: s3.url,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the request to be refused');
      },
      (err: S3ServiceException) => ({ name: err.name, status: err.$metadata.httpStatusCode }),
    );
  const read = async (key: string) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket(), Key: key }))).Body!.transformToByteArray());
  const openUploads = async () => (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket() }))).Uploads ?? [];

  it('stores a PUT whose Content-MD5 matches and refuses one that does not, keeping the previous object', async () => {
    const first = randomBytes(1000);
    const put = await client.send(new PutObjectCommand({ Bucket: bucket(), Key: 'single/a.bin', Body: first, ContentMD5: b64(first) }));
    expect(put.ETag).toBe(`"${hex(first)}"`);

    const second = randomBytes(1000);
    const refused = await errorOf(client.send(new PutObjectCommand({ Bucket: bucket(), Key: 'single/a.bin', Body: second, ContentMD5: b64(first) })));
    expect(refused).toEqual({ name: 'BadDigest', status: 400 });
    expect((await read('single/a.bin')).equals(first)).toBe(true);

    const invalid = await errorOf(client.send(new PutObjectCommand({ Bucket: bucket(), Key: 'single/b.bin', Body: second, ContentMD5: 'not-an-md5' })));
    expect(invalid).toEqual({ name: 'InvalidDigest', status: 400 });
    expect(await errorOf(client.send(new HeadObjectCommand({ Bucket: bucket(), Key: 'single/b.bin' })))).toMatchObject({ status: 404 });
  });

  it("gives a multipart object S3's ETag: md5 of the parts' binary md5s, dash, part count", async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(123)];
    const key = 'multi/reads.fastq.gz';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key }));
    const etags = [];
    for (const [i, body] of parts.entries()) {
      const r = await client.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: i + 1, Body: body, ContentMD5: b64(body) }));
      expect(r.ETag).toBe(`"${hex(body)}"`);
      etags.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId, MultipartUpload: { Parts: etags } }));
    const expected = `${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3`;
    expect(done.ETag).toBe(`"${expected}"`);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    expect(head).toMatchObject({ ETag: `"${expected}"`, ContentLength: 10 * MiB + 123 });
    expect(hex(await read(key))).toBe(hex(Buffer.concat(parts)));
    expect(await openUploads()).toEqual([]);
  });

  it('refuses a part whose Content-MD5 does not match, and completions S3 would refuse', async () => {
    const key = 'multi/bad.bin';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key }));
    const small = randomBytes(1 * MiB);
    const big = randomBytes(5 * MiB);
    const bad = await errorOf(client.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: 1, Body: small, ContentMD5: b64(big) })));
    expect(bad).toEqual({ name: 'BadDigest', status: 400 });

    const p1 = await client.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: 1, Body: small }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: 2, Body: big }));
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      errorOf(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId, MultipartUpload: { Parts } })));
    expect(await complete([{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }])).toEqual({ name: 'EntityTooSmall', status: 400 });
    expect(await complete([{ PartNumber: 1, ETag: p2.ETag }, { PartNumber: 2, ETag: p2.ETag }])).toEqual({ name: 'InvalidPart', status: 400 });
    expect(await complete([{ PartNumber: 2, ETag: p2.ETag }, { PartNumber: 1, ETag: p1.ETag }])).toEqual({ name: 'InvalidPartOrder', status: 400 });
    expect(await errorOf(client.send(new HeadObjectCommand({ Bucket: bucket(), Key: key })))).toMatchObject({ status: 404 });
  });

  it('aborts a multipart upload: it is no longer listed and takes no more parts', async () => {
    const key = 'multi/aborted.bin';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key }));
    await client.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: 1, Body: randomBytes(100) }));
    expect((await openUploads()).map((u) => [u.Key, u.UploadId])).toContainEqual([key, UploadId]);

    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId }));
    expect((await openUploads()).map((u) => u.UploadId)).not.toContain(UploadId);
    const late = await errorOf(client.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: 2, Body: randomBytes(100) })));
    expect(late).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await errorOf(client.send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId })))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await errorOf(client.send(new HeadObjectCommand({ Bucket: bucket(), Key: key })))).toMatchObject({ status: 404 });
  });
});
