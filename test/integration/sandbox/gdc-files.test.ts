import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { DOMParser } from '@xmldom/xmldom';
import { GDC_SANDBOX_TOKENS } from '../../../src/sandbox/gdc';
import { startGdcEmulator, type Answer, type GdcEmulator } from '../../support/gdc-emulator';

const S3 = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** What gdc-client reads from S3's answers: elements in the default namespace (XMLResponse). */
function s3(answer: Answer): Document {
  const doc = new DOMParser().parseFromString(answer.text, 'text/xml') as unknown as Document;
  expect(doc.documentElement!.namespaceURI).toBe(S3);
  return doc;
}
const s3Text = (doc: Document, name: string) => doc.getElementsByTagNameNS(S3, name)[0]?.textContent ?? null;
const listedParts = (doc: Document) =>
  Array.from(doc.getElementsByTagNameNS(S3, 'Part')).map((p) => ({
    PartNumber: p.getElementsByTagNameNS(S3, 'PartNumber')[0].textContent!,
    ETag: p.getElementsByTagNameNS(S3, 'ETag')[0].textContent!,
    Size: Number(p.getElementsByTagNameNS(S3, 'Size')[0].textContent),
  }));
/** gdc-client's Multiparts.to_xml: no namespace, PartNumber and ETag as ListParts gave them. */
const completeBody = (parts: { PartNumber: string; ETag: string }[]) =>
  `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.PartNumber}</PartNumber><ETag>${p.ETag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

describe('GDC emulator: the data-file endpoint as gdc-client uses it', () => {
  let gdc: GdcEmulator;
  let caseId: string;

  beforeAll(async () => {
    gdc = await startGdcEmulator({ projects: ['GDC-INTERNAL', 'sbx-lower'] });
    for (const [program, project] of [
      ['GDC', 'INTERNAL'],
      ['sbx', 'lower'],
    ]) {
      const res = await gdc.call('PUT', `/v0/submission/${program}/${project}`, {
        type: 'case',
        submitter_id: 'case-1',
        disease_type: 'Blood Vessel Tumors',
        primary_site: 'Base of tongue',
        projects: { code: project },
      });
      if (program === 'GDC') caseId = res.json.entities[0].id;
    }
  });
  afterAll(() => gdc.stop());

  let counter = 0;
  /** Registers a clinical supplement for `bytes` (md5 and size as metadata) and returns its id. */
  async function register(bytes: Buffer | { md5: string; size: number }, base = '/v0/submission/GDC/INTERNAL'): Promise<string> {
    const meta = Buffer.isBuffer(bytes) ? { md5: md5(bytes), size: bytes.length } : bytes;
    const res = await gdc.call('PUT', base, {
      type: 'clinical_supplement',
      submitter_id: `supplement-${++counter}`,
      file_name: `file-${counter}.xml`,
      file_size: meta.size,
      md5sum: meta.md5,
      data_category: 'Clinical',
      data_format: 'BCR XML',
      data_type: 'Clinical Supplement',
      cases: { submitter_id: 'case-1' },
    });
    if (res.status !== 200) throw new Error(res.text);
    return res.json.entities[0].id;
  }
  const fileState = (id: string) => gdc.sandbox.service.store.get(id)!.props.file_state;
  const files = (id: string, query = '', program = 'GDC/INTERNAL') => `/v0/submission/${program}/files/${id}${query}`;

  describe('single PUT', () => {
    it('dry-runs, uploads, refuses a second upload, deletes: file_state registered → uploaded → registered', async () => {
      const bytes = randomBytes(64 * 1024);
      const id = await register(bytes);
      expect(fileState(id)).toBe('registered');

      const dry = await gdc.call('PUT', files(id, '/_dry_run'));
      expect([dry.status, dry.json]).toEqual([
        200,
        { message: 'Transaction would have been successful. User selected dry run option; transaction aborted, no data written to object storage.' },
      ]);
      expect(fileState(id)).toBe('registered');

      const put = await gdc.call('PUT', files(id), bytes);
      expect(put.status).toBe(200);
      expect(put.headers.etag).toBe(`"${md5(bytes)}"`);
      expect(fileState(id)).toBe('uploaded');
      const stored = gdc.sandbox.files.stored(id)!;
      expect([stored.size, stored.md5]).toEqual([bytes.length, md5(bytes)]);
      expect(md5(fs.readFileSync(stored.path))).toBe(md5(bytes));

      const again = await gdc.call('PUT', files(id), bytes);
      expect([again.status, again.json]).toEqual([400, { message: 'File in uploaded state, upload not allowed' }]);
      const dryAgain = await gdc.call('PUT', files(id, '/_dry_run'));
      expect(dryAgain.status).toBe(400);

      const del = await gdc.call('DELETE', files(id));
      expect(del.status).toBe(204);
      expect(fileState(id)).toBe('registered');
      expect(gdc.sandbox.files.stored(id)).toBeUndefined();
      expect(fs.existsSync(stored.path)).toBe(false);
    });

    it('answers a plain GET with 405, an unknown or non-file id with 400, a read-only token with 403', async () => {
      const id = await register(randomBytes(10));
      const get = await gdc.call('GET', files(id));
      expect([get.status, get.json]).toEqual([405, { message: 'Method GET not allowed on file' }]);
      const unknown = await gdc.call('PUT', files('00000000-0000-4000-8000-000000000000'), 'x');
      expect([unknown.status, unknown.json.message]).toEqual([400, "File 00000000-0000-4000-8000-000000000000 doesn't exist in GDC-INTERNAL"]);
      const notFile = await gdc.call('PUT', files(caseId), 'x');
      expect([notFile.status, notFile.json.message]).toEqual([400, `case ${caseId} is not a data file.`]);
      const reader = await gdc.call('PUT', files(id), 'x', { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
      expect(reader.status).toBe(403);
      expect(fileState(id)).toBe('registered');
    });

    it('finds the project when gdc-client upper-cases program and project', async () => {
      const bytes = randomBytes(1000);
      const id = await register(bytes, '/v0/submission/sbx/lower');
      const put = await gdc.call('PUT', files(id, '', 'SBX/LOWER'), bytes);
      expect(put.status).toBe(200);
      expect(gdc.sandbox.files.stored(id)!.md5).toBe(md5(bytes));
    });

    it('streams a 200 MB body to disk without holding it in memory', async () => {
      const chunk = randomBytes(MiB);
      const total = 200;
      const hash = createHash('md5');
      for (let i = 0; i < total; i++) hash.update(chunk);
      const id = await register({ md5: hash.digest('hex'), size: total * MiB });
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < total; i++) yield chunk;
        })(),
      );
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const put = await gdc.call('PUT', files(id), source, { 'content-length': String(total * MiB) });
      clearInterval(sampler);
      expect(put.status).toBe(200);
      const stored = gdc.sandbox.files.stored(id)!;
      expect(stored.size).toBe(total * MiB);
      expect(stored.md5).toBe(gdc.sandbox.service.store.get(id)!.props.md5sum);
      // Client and emulator share this process: both stream, so growth stays far below the body's size.
      expect(peak - before).toBeLessThan(80 * MiB);
      gdc.sandbox.files.objects.delete(stored.key);
    }, 60_000);
  });

  describe('multipart', () => {
    const bytes = randomBytes(11 * MiB);
    const parts = [bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB, 10 * MiB), bytes.subarray(10 * MiB)];

    async function initiate(id: string): Promise<string> {
      const res = await gdc.call('POST', files(id, '?uploads'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      const doc = s3(res);
      expect(doc.documentElement!.localName).toBe('InitiateMultipartUploadResult');
      const uploadId = s3Text(doc, 'UploadId')!;
      // gdc-client resumes with `-u <id>`: an id starting with '-' would be read as an option.
      expect(uploadId).toMatch(/^[A-Za-z0-9]{64}$/);
      return uploadId;
    }
    const putPart = (id: string, uploadId: string, n: number, body: Buffer) => gdc.call('PUT', files(id, `?uploadId=${uploadId}&partNumber=${n}`), body);
    const list = async (id: string, uploadId: string, query = '') => listedParts(s3(await gdc.call('GET', files(id, `?uploadId=${uploadId}${query}`))));

    afterEach(() => gdc.sandbox.faults.clear());

    it('uploads in parts, survives a failed part by resuming from the listed parts, and completes', async () => {
      const id = await register(bytes);
      const uploadId = await initiate(id);
      expect(fileState(id)).toBe('uploading');
      expect(await list(id, uploadId)).toEqual([]);

      expect((await putPart(id, uploadId, 1, parts[0])).headers.etag).toBe(`"${md5(parts[0])}"`);
      // The next part fails on the way (as a dropped proxy would answer); the client lists and resumes.
      gdc.sandbox.faults.add([{ method: 'PUT', path: `/files/${id}$`, errorRate: 1, status: 503, times: 1 }]);
      expect((await putPart(id, uploadId, 2, parts[1])).status).toBe(503);
      const listed = await list(id, uploadId);
      expect(listed).toEqual([{ PartNumber: '1', ETag: `"${md5(parts[0])}"`, Size: 5 * MiB }]);
      for (const n of [2, 3].filter((n) => !listed.some((p) => Number(p.PartNumber) === n))) {
        expect((await putPart(id, uploadId, n, parts[n - 1])).status).toBe(200);
      }
      const all = await list(id, uploadId);
      expect(all.map((p) => p.PartNumber)).toEqual(['1', '2', '3']);

      const done = await gdc.call('POST', files(id, `?uploadId=${uploadId}`), completeBody(all));
      expect(done.status).toBe(200);
      const result = s3(done);
      expect(done.text).toContain('CompleteMultipartUploadResult');
      const partsMd5 = md5(Buffer.concat(parts.map((p) => Buffer.from(md5(p), 'hex'))));
      expect(s3Text(result, 'ETag')).toBe(`"${partsMd5}-3"`);
      expect(fileState(id)).toBe('uploaded');
      const stored = gdc.sandbox.files.stored(id)!;
      expect([stored.size, stored.md5]).toEqual([bytes.length, md5(bytes)]);

      // The upload is gone once completed; the file's state now refuses part operations.
      const late = await gdc.call('GET', files(id, `?uploadId=${uploadId}`));
      expect([late.status, late.json.message]).toEqual([400, 'File in uploaded state, list_parts not allowed']);
      const restart = await gdc.call('POST', files(id, '?uploads'));
      expect([restart.status, restart.json.message]).toEqual([400, 'File in uploaded state, initiate_multipart not allowed']);
    });

    it("refuses to complete with a wrong ETag, out-of-order parts or a small middle part, as S3 does", async () => {
      const id = await register(bytes);
      const uploadId = await initiate(id);
      await putPart(id, uploadId, 1, parts[0]);
      await putPart(id, uploadId, 2, parts[2]);
      await putPart(id, uploadId, 3, parts[1]);
      const listed = await list(id, uploadId);
      const code = (a: Answer) => [a.status, /<Code>([^<]+)</.exec(a.text)?.[1]];
      const wrong = await gdc.call('POST', files(id, `?uploadId=${uploadId}`), completeBody([{ ...listed[0], ETag: '"0123"' }]));
      expect(code(wrong)).toEqual([400, 'InvalidPart']);
      const order = await gdc.call('POST', files(id, `?uploadId=${uploadId}`), completeBody([listed[1], listed[0]]));
      expect(code(order)).toEqual([400, 'InvalidPartOrder']);
      const small = await gdc.call('POST', files(id, `?uploadId=${uploadId}`), completeBody(listed));
      expect(code(small)).toEqual([400, 'EntityTooSmall']);
      const malformed = await gdc.call('POST', files(id, `?uploadId=${uploadId}`), '<CompleteMultipartUpload><Part>');
      expect(code(malformed)).toEqual([400, 'MalformedXML']);
      expect(fileState(id)).toBe('uploading');
      // Completing with the parts that fit (1 then 3) still works, and drops part 2.
      const ok = await gdc.call('POST', files(id, `?uploadId=${uploadId}`), completeBody([listed[0], listed[2]]));
      expect(ok.status).toBe(200);
      expect(gdc.sandbox.files.stored(id)!.md5).toBe(md5(Buffer.concat([parts[0], parts[1]])));
    });

    it('pages ListParts with max-parts and part-number-marker', async () => {
      const id = await register(bytes);
      const uploadId = await initiate(id);
      for (const n of [1, 2, 3]) await putPart(id, uploadId, n, Buffer.from(`part ${n}`));
      const page = s3(await gdc.call('GET', files(id, `?uploadId=${uploadId}&max-parts=2`)));
      expect([listedParts(page).map((p) => p.PartNumber), s3Text(page, 'IsTruncated'), s3Text(page, 'NextPartNumberMarker')]).toEqual([['1', '2'], 'true', '2']);
      expect((await list(id, uploadId, '&part-number-marker=2')).map((p) => p.PartNumber)).toEqual(['3']);
    });

    it('aborts (204, back to registered); an unknown upload id is 404 NoSuchUpload; parts need an upload', async () => {
      const id = await register(bytes);
      const early = await putPart(id, 'nope', 1, parts[2]);
      expect([early.status, early.json.message]).toEqual([400, 'File in registered state, upload_part not allowed']);
      const uploadId = await initiate(id);
      await putPart(id, uploadId, 1, parts[2]);
      const unknown = await gdc.call('DELETE', files(id, '?uploadId=not-an-upload'));
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('<Code>NoSuchUpload</Code>');
      const abort = await gdc.call('DELETE', files(id, `?uploadId=${uploadId}`));
      expect(abort.status).toBe(204);
      expect(fileState(id)).toBe('registered');
      const after = await gdc.call('GET', files(id, `?uploadId=${uploadId}`));
      expect([after.status, after.json.message]).toEqual([400, 'File in registered state, list_parts not allowed']);
      // A fresh start works, and the aborted upload's id stays unknown.
      const second = await initiate(id);
      expect(second).not.toBe(uploadId);
      expect((await gdc.call('GET', files(id, `?uploadId=${uploadId}`))).status).toBe(404);
    });
  });
});
