import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { payloadSigningFor, withPayloadHash } from '../../../src/datasources/s3/payload-hash';
import { turnsDuring } from '../../support/turns';

/** The request client-s3 would put on the wire, captured instead of sent. */
function capturingClient(seen: { headers: Record<string, string> }[]): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        seen.push({ headers: { ...request.headers } });
        return { response: { statusCode: 200, headers: { etag: '"x"' }, body: undefined } };
      },
    } as never,
  });
}

describe('withPayloadHash: the payload hash SigV4 signs, never computed in one piece on the event loop', () => {
  const body = randomBytes(3 * 1024 * 1024 + 17);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const part = () => new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1, Body: body, ContentLength: body.length });

  it('signs the same hash the SDK computes itself, and signs it', async () => {
    const seen: { headers: Record<string, string> }[] = [];
    const client = capturingClient(seen);
    await client.send(part());
    await client.send(await withPayloadHash(part(), body, 'sha256'));
    await client.send(await withPayloadHash(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ContentLength: body.length }), body, 'sha256'));
    expect(seen.map((r) => r.headers['x-amz-content-sha256'])).toEqual([sha256, sha256, sha256]);
    for (const r of seen) expect(r.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    client.destroy();
  });

  it('gives the event loop back while it hashes: an 8 MiB part is 16 slices, never one hold', async () => {
    const big = randomBytes(8 * 1024 * 1024);
    const seen: { headers: Record<string, string> }[] = [];
    const client = capturingClient(seen);
    const { value: command, turns } = await turnsDuring(() =>
      withPayloadHash(new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1, Body: big, ContentLength: big.length }), big, 'sha256'),
    );
    // Another callback ran between every two slices (512 KiB each).
    expect(turns).toBeGreaterThanOrEqual(15);
    await client.send(command);
    expect(seen[0].headers['x-amz-content-sha256']).toBe(createHash('sha256').update(big).digest('hex'));
    client.destroy();
  });

  it('hashes the bytes it is given: other bytes, another hash', async () => {
    const seen: { headers: Record<string, string> }[] = [];
    const client = capturingClient(seen);
    const other = Buffer.from(body);
    other[0] ^= 1;
    await client.send(await withPayloadHash(part(), other, 'sha256'));
    expect(seen[0].headers['x-amz-content-sha256']).toBe(createHash('sha256').update(other).digest('hex'));
    expect(seen[0].headers['x-amz-content-sha256']).not.toBe(sha256);
    client.destroy();
  });

  it('sends UNSIGNED-PAYLOAD, signed, over TLS (AWS itself or an https endpoint), as the aws CLI does; a plain-http S3 gets the SHA-256', async () => {
    expect([undefined, '', 'https://s3.example.org', 'HTTPS://minio.lab:9000', 'http://127.0.0.1:4569'].map(payloadSigningFor)).toEqual(['unsigned', 'unsigned', 'unsigned', 'unsigned', 'sha256']);
    const seen: { headers: Record<string, string> }[] = [];
    const client = capturingClient(seen);
    await client.send(await withPayloadHash(part(), body, 'unsigned'));
    expect(seen[0].headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(seen[0].headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    client.destroy();
  });
});
