import { randomBytes, createHash } from 'node:crypto';
import { GDC_SANDBOX_TOKENS } from '../../../src/sandbox/gdc';
import { startGdcEmulator, type GdcEmulator } from '../../support/gdc-emulator';

const BASE = '/v0/submission/GDC/INTERNAL';
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const refusedBecause = (state: string, path: string, states = 'open') =>
  `Project is in state '${state}', which prevents ${path}. In order to perform this action, the project must be in state <${states}>.`;

const supplement = (bytes: Buffer) => ({
  type: 'clinical_supplement',
  submitter_id: 'nationwidechildrens.org_clinical.TCGA-4G-AAZT.xml',
  file_name: 'nationwidechildrens.org_clinical.TCGA-4G-AAZT-.xml',
  file_size: bytes.length,
  md5sum: md5(bytes),
  data_category: 'Clinical',
  data_format: 'BCR XML',
  data_type: 'Clinical Supplement',
  cases: [{ submitter_id: 'TCGA-4G-AAZT' }],
});

describe('GDC emulator: project release workflow and file versions', () => {
  let gdc: GdcEmulator;
  let caseId: string;
  let fileId: string;
  const bytes = randomBytes(4096);

  beforeAll(async () => {
    gdc = await startGdcEmulator();
    const kase = await gdc.call('PUT', BASE, {
      type: 'case',
      submitter_id: 'TCGA-4G-AAZT',
      disease_type: 'Blood Vessel Tumors',
      primary_site: 'Base of tongue',
      projects: { code: 'INTERNAL' },
    });
    caseId = kase.json.entities[0].id;
    const file = await gdc.call('PUT', BASE, supplement(bytes));
    fileId = file.json.entities[0].id;
    expect((await gdc.call('PUT', `${BASE}/files/${fileId}`, bytes)).status).toBe(200);
  });
  afterAll(() => gdc.stop());

  const project = () => gdc.sandbox.service.requireProject('GDC', 'INTERNAL').props;
  const entity = async (id: string) => (await gdc.call('GET', `${BASE}/entities/${id}`)).json.entities[0].properties;

  it('starts open: the seeded projects take uploads', () => {
    expect(project()).toMatchObject({ state: 'open', released: false, releasable: false });
  });

  it('review locks the project: uploads, dry runs and deletions are refused with the request path', async () => {
    const review = await gdc.call('POST', `${BASE}/review`);
    expect([review.status, review.json]).toEqual([
      200,
      {
        code: 200,
        entities: [],
        entity_error_count: 0,
        message: "Successfully transitioned project state to 'review'",
        success: true,
        transaction_id: expect.any(Number),
        transactional_error_count: 0,
        transactional_errors: [],
      },
    ]);
    expect(project().state).toBe('review');
    const log = gdc.sandbox.service.logs.get(review.json.transaction_id)!;
    expect([log.role, log.state, log.is_dry_run]).toEqual(['review', 'SUCCEEDED', false]);

    const logsBefore = gdc.sandbox.service.logs.all().length;
    const put = await gdc.call('PUT', BASE, { type: 'case', submitter_id: 'another', projects: { code: 'INTERNAL' } });
    expect([put.status, put.json]).toEqual([400, { message: refusedBecause('review', BASE) }]);
    const dry = await gdc.call('POST', `${BASE}/_dry_run`, { type: 'case', submitter_id: 'another' });
    expect(dry.json.message).toBe(refusedBecause('review', `${BASE}/_dry_run`));
    const del = await gdc.call('DELETE', `${BASE}/entities/${caseId}`);
    expect(del.json.message).toBe(refusedBecause('review', `${BASE}/entities/${caseId}`));
    expect(gdc.sandbox.service.logs.all()).toHaveLength(logsBefore);

    const twice = await gdc.call('PUT', `${BASE}/review`);
    expect([twice.status, twice.json.message]).toEqual([400, refusedBecause('review', `${BASE}/review`)]);
  });

  it('refuses to release a project that was never submitted', async () => {
    const res = await gdc.call('POST', `${BASE}/release`);
    expect([res.status, res.json.success, res.json.message, res.json.transactional_errors]).toEqual([
      400,
      false,
      'Release transaction failed.',
      [{ message: 'Project is not releasable. Project must be submitted at least once first.' }],
    ]);
    expect(project().released).toBe(false);
  });

  it('reopens from review, and a committed dry run of review repeats it', async () => {
    expect((await gdc.call('PUT', `${BASE}/open`)).json.message).toBe("Successfully transitioned project state to 'open'");
    const dry = await gdc.call('PUT', `${BASE}/review/_dry_run`);
    expect(dry.json.message).toBe("Dry run successful. Would have successfully transitioned project state to 'review'");
    expect(project().state).toBe('open');
    const commit = await gdc.call('POST', `${BASE}/transactions/${dry.json.transaction_id}/commit`);
    expect([commit.status, commit.json.success]).toEqual([200, true]);
    expect(project().state).toBe('review');
  });

  it('submits every validated case and data file, making the project releasable', async () => {
    const dry = await gdc.call('POST', `${BASE}/submit/_dry_run`);
    expect([dry.json.message, dry.json.submitted_entity_count]).toEqual(['Dry run successful. Would have submitted 2 entities.', 2]);
    expect((await entity(caseId)).state).toBe('validated');

    const res = await gdc.call('POST', `${BASE}/submit`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: 'Successfully submitted 2 entities.', submitted_entity_count: 2 });
    expect(res.json.entities.map((e: any) => [e.action, e.type]).sort()).toEqual([
      ['submit', 'case'],
      ['submit', 'clinical_supplement'],
    ]);
    expect((await entity(caseId)).state).toBe('submitted');
    expect(project()).toMatchObject({ state: 'submitted', releasable: true, released: false });
    const upload = await gdc.call('PUT', BASE, supplement(bytes));
    expect(upload.json.message).toBe(refusedBecause('submitted', BASE));
  });

  it('releases once: submitted entities become released', async () => {
    const res = await gdc.call('PUT', `${BASE}/release`);
    expect([res.status, res.json.message]).toEqual([200, 'Successfully released project']);
    expect(project().released).toBe(true);
    expect((await entity(fileId)).state).toBe('released');
    const again = await gdc.call('PUT', `${BASE}/release`);
    expect(again.json.transactional_errors).toEqual([{ message: 'Project is already released.' }]);
  });

  it('makes a released file registered again with a new md5 a new version', async () => {
    expect((await gdc.call('PUT', `${BASE}/open`)).status).toBe(200);
    const changed = randomBytes(4099);
    const res = await gdc.call('PUT', BASE, supplement(changed));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, created_entity_count: 0, updated_entity_count: 0, cases_related_to_created_entities_count: 0 });
    const [version] = res.json.entities;
    expect(version).toMatchObject({ action: 'version', valid: true, type: 'clinical_supplement', related_cases: [{ id: caseId, submitter_id: 'TCGA-4G-AAZT' }] });
    expect(version.id).not.toBe(fileId);
    expect(version.unique_keys).toEqual([{ project_id: 'GDC-INTERNAL', submitter_id: supplement(changed).submitter_id }]);

    const fresh = await entity(version.id);
    expect(fresh).toMatchObject({ md5sum: md5(changed), file_size: 4099, file_state: 'registered', state: 'validated' });
    expect(fresh.cases).toEqual([{ id: caseId, submitter_id: 'TCGA-4G-AAZT' }]);
    // Both versions stay reachable: the old one as it was released, with its own md5 and links.
    const old = await gdc.call('GET', `${BASE}/entities/${fileId}`);
    expect(old.status).toBe(200);
    expect(old.json.entities[0].properties).toMatchObject({ id: fileId, md5sum: md5(bytes), state: 'released', cases: [{ id: caseId, submitter_id: 'TCGA-4G-AAZT' }] });
    const both = await gdc.call('GET', `${BASE}/entities/${fileId},${version.id}`);
    expect(both.json.entities.map((e: any) => [e.properties.id, e.properties.md5sum])).toEqual([
      [fileId, md5(bytes)],
      [version.id, md5(changed)],
    ]);
    // Only the live graph holds the new one: the project's released files are still one per submitter_id.
    expect([...gdc.sandbox.service.store.ofType('clinical_supplement')].filter((n) => n.id === fileId)).toEqual([]);
    expect(gdc.sandbox.service.store.previousVersion(fileId)).toMatchObject({ replacedBy: version.id, node: { props: { md5sum: md5(bytes), state: 'released' } } });
    // The new version takes its own bytes.
    expect((await gdc.call('PUT', `${BASE}/files/${version.id}`, changed)).status).toBe(200);
    expect(gdc.sandbox.files.stored(version.id)!.md5).toBe(md5(changed));
  });

  it('updates, not versions, a file that was not released; refuses metadata changes once its bytes are validated', async () => {
    const res = await gdc.call('PUT', BASE, { ...supplement(bytes), submitter_id: 'unreleased', md5sum: md5(Buffer.from('a')) });
    const id = res.json.entities[0].id;
    const changed = await gdc.call('PUT', BASE, { ...supplement(bytes), submitter_id: 'unreleased', md5sum: md5(Buffer.from('b')) });
    expect(changed.json.entities[0]).toMatchObject({ action: 'update', id });
    gdc.sandbox.service.store.get(id)!.props.file_state = 'validated';
    const locked = await gdc.call('PUT', BASE, { ...supplement(bytes), submitter_id: 'unreleased', md5sum: md5(Buffer.from('c')) });
    expect(locked.status).toBe(400);
    expect(locked.json.entities[0].errors).toEqual([
      {
        keys: ['file_state'],
        message:
          "This file is already in file_state 'validated' and cannot be updated. The raw data exists in the GDC file storage and modifying the Entity now is unsafe and may cause problems for any processes or users consuming this data.",
        type: 'INVALID_PERMISSIONS',
      },
    ]);
  });

  it('runs a transition asynchronously with ?async=true, its outcome on the transaction log', async () => {
    const res = await gdc.call('PUT', `${BASE}/review?async=true`);
    expect(res.json).toEqual({ code: 200, message: 'Transaction submitted.', transaction_id: expect.any(Number) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gdc.sandbox.service.logs.get(res.json.transaction_id)!.state).toBe('SUCCEEDED');
    expect(project().state).toBe('review');
    expect((await gdc.call('PUT', `${BASE}/open`)).status).toBe(200);
  });

  it('needs the release role', async () => {
    const res = await gdc.call('PUT', `${BASE}/review`, undefined, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
    expect(res.status).toBe(403);
    expect(project().state).toBe('open');
  });
});
