import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { request } from 'undici';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * SANDBOX_DATA_DIR on real processes: what a gateway on the embedded sandbox wrote (an ENCODE
 * record, a GDC case and a data file's bytes, an S3 object) is there again after SIGTERM and a
 * new start on the same folder; without it the sandbox starts empty.
 */
type Gateway = RunningProcess & { graphqlUrl: string; url: string };

async function post(gw: Gateway, query: string) {
  const res = await request(gw.graphqlUrl, { method: 'POST', reset: true, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.body.json()) as any;
}

async function upstream(gw: Gateway, name: 'GDC' | 'S3'): Promise<string> {
  const line = await gw.waitForLog((l) => new RegExp(`^ {2}${name}: `).test(l.msg));
  return /(http:\/\/127\.0\.0\.1:\d+)/.exec(line.msg)![1];
}

function s3Client(url: string): S3Client {
  return new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
}

const BIOSAMPLE = `mutation { createEntities(input: { source: ENCODE, profile: "biosample", entities: [{ award: "UM1HG000000", lab: "sandbox-lab",
  organism: "human", source: "atcc", biosample_ontology: "cell_line_EFO_0001203", aliases: ["sandbox-lab:kept-sample"] }] }) { success entities { accession } } }`;
const FILE_ID = '6f9e3b52-8c1d-4c3e-9a57-2b6d1c0e4f11';
const GDC_ENTITIES = `mutation { createEntities(input: { source: GDC, project: "GDC-INTERNAL", entities: [
  { type: "case", submitter_id: "KEPT-CASE-1", disease_type: "Blood Vessel Tumors", primary_site: "Base of tongue", projects: { code: "INTERNAL" } },
  { type: "clinical_supplement", id: "${FILE_ID}", submitter_id: "kept-file", file_name: "hello.txt", file_size: 6,
    md5sum: "b1946ac92492d2347c6235b4d2611184", data_category: "Clinical", data_format: "BCR XML", data_type: "Clinical Supplement",
    cases: { submitter_id: "KEPT-CASE-1" } }] }) { success createdCount entities { id submitterId } } }`;
const LOOKUP = `{ encodeRecord(id: "sandbox-lab:kept-sample") gdcEntities(project: "GDC-INTERNAL", ids: ["${FILE_ID}"]) }`;

describe('SANDBOX_DATA_DIR', () => {
  let gw: Gateway | undefined;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-data-'));
  });
  afterEach(() => kill(gw));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function restart(env: Record<string, string>): Promise<Gateway> {
    if (gw) {
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
    }
    return (gw = await startGatewayProcess(env));
  }

  it('keeps records, entities, data files and S3 objects across a restart', async () => {
    gw = await restart({ SANDBOX_DATA_DIR: dir });
    const created = await post(gw, BIOSAMPLE);
    expect(created.data.createEntities.success).toBe(true);
    const accession = created.data.createEntities.entities[0].accession as string;
    const gdc = await post(gw, GDC_ENTITIES);
    expect(gdc.data.createEntities).toMatchObject({ success: true, createdCount: 2 });
    const put = await request(`${await upstream(gw, 'GDC')}/v0/submission/GDC/INTERNAL/files/${FILE_ID}`, {
      method: 'PUT',
      headers: { 'x-auth-token': 'gdc-sandbox-submitter-token' },
      body: 'hello\n',
    });
    expect(put.statusCode).toBe(200);
    await put.body.text();
    const bytes = Buffer.from('bytes that must survive a restart');
    await s3Client(await upstream(gw, 'S3')).send(new PutObjectCommand({ Bucket: 'encode-sandbox-uploads', Key: 'kept/object.bin', Body: bytes }));

    gw = await restart({ SANDBOX_DATA_DIR: dir });
    const after = await post(gw, LOOKUP);
    expect(after.errors).toBeUndefined();
    expect(after.data.encodeRecord).toMatchObject({ accession, aliases: ['sandbox-lab:kept-sample'] });
    expect(after.data.gdcEntities[0].properties).toMatchObject({ id: FILE_ID, submitter_id: 'kept-file', file_state: 'uploaded' });
    // The same alias again is a conflict: the portal knows the record, it did not just show it.
    const again = await post(gw, BIOSAMPLE.replace('success entities { accession }', 'success entities { action accession }'));
    expect(again.data.createEntities.entities[0]).toMatchObject({ action: 'exists', accession });
    const object = await s3Client(await upstream(gw, 'S3')).send(new GetObjectCommand({ Bucket: 'encode-sandbox-uploads', Key: 'kept/object.bin' }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(bytes);
    expect(fs.readdirSync(dir).sort()).toEqual(['encode.json', 'gdc-files', 'gdc.json', 's3']);

    // Without the folder the sandbox is in memory: the same start knows nothing of the above.
    gw = await restart({});
    const fresh = await post(gw, LOOKUP);
    expect(fresh.data?.encodeRecord ?? null).toBeNull();
  });
});
