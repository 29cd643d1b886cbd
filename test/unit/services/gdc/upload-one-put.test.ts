import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type GdcUploadDeps, uploadGdcFile } from '../../../../src/services/gdc/upload';

const MiB = 1024 * 1024;
const bytes = Buffer.alloc(12 * MiB, 7);
const md5 = createHash('md5').update(bytes).digest('hex');

/** GDC as the one PUT sees it: reads the body to its end (or its error), as a server would. */
function depsWith(putStream: (body: Readable) => Promise<string | null>): GdcUploadDeps {
  return {
    api: { files: { putStream: (_project: unknown, _id: string, body: Readable) => putStream(body) } },
    loaders: { entity: { load: async () => ({ properties: { type: 'submitted_unaligned_reads', file_state: 'registered', file_size: bytes.length, md5sum: md5 } }) } },
    limits: { maxDataFileBytes: 1024 ** 4 },
    partBytes: 8 * MiB,
    parallelParts: 3,
    states: { of: () => ({ load: async () => null, save: async () => undefined, savePart: async () => undefined, clear: async () => undefined }) },
  } as unknown as GdcUploadDeps;
}

const reading = (body: Readable) =>
  new Promise<string | null>((resolve, reject) => {
    body.on('data', () => undefined);
    body.on('error', reject);
    body.on('end', () => resolve('"etag"'));
  });

/** The caller's bytes: the first `upTo` of them, then an error (a client gone) or the end. */
function file(upTo: number, fail: boolean) {
  async function* chunks() {
    for (let at = 0; at < upTo; at += MiB) yield bytes.subarray(at, Math.min(upTo, at + MiB));
    if (fail) throw new Error('the client went away');
  }
  return Promise.resolve({ createReadStream: () => Readable.from(chunks()), filename: 'reads.fastq', mimetype: 'application/octet-stream', encoding: '7bit' }) as never;
}

describe('uploadGdcFile in one streamed PUT', () => {
  it('sends every byte once and checks them', async () => {
    const r = await uploadGdcFile(depsWith(reading), { id: 'a', project: 'GDC-INTERNAL', file: file(bytes.length, false) });
    expect(r).toMatchObject({ success: true, bytes: bytes.length, md5sum: md5, message: `Uploaded ${bytes.length} bytes in one PUT; md5 and size match the entity.` });
  });

  it("says the caller's bytes stopped coming (not GDC's connection) when the caller's stream fails", async () => {
    const r = await uploadGdcFile(depsWith(reading), { id: 'a', project: 'GDC-INTERNAL', file: file(5 * MiB, true) });
    expect(r.success).toBe(false);
    expect(r.errors).toMatchObject([{ type: 'UPLOAD_FAILED', keys: ['file'] }]);
    expect(r.message).toBe(`The file's bytes stopped coming after ${5 * MiB} of ${bytes.length} (the client went away), so the PUT was stopped and GDC stored nothing; one PUT cannot be resumed: upload the file again.`);
  });

  it("says GDC's connection failed when the PUT fails with the caller's bytes still coming", async () => {
    const reset = (body: Readable) => new Promise<string | null>((_resolve, reject) => body.once('data', () => reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))));
    const r = await uploadGdcFile(depsWith(reset), { id: 'a', project: 'GDC-INTERNAL', file: file(bytes.length, false) });
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/^The connection to GDC failed after \d+ of \d+ bytes \(read ECONNRESET\); one PUT cannot be resumed: upload the file again\.$/);
  });
});
