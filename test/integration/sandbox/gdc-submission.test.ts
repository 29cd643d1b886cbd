import { request } from 'undici';
import { createGdcSandbox, GDC_SANDBOX_TOKENS, type GdcSandbox } from '../../../src/sandbox/gdc';
import { listen, type Listening } from '../../../src/sandbox/shared/listen';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { guideAliquot, guideCase, guideSample, guideSamplesTsv } from '../../support/gdc';

// The GDC Submission API guide's examples, as written there.

const ENVELOPE_KEYS = [
  'cases_related_to_created_entities_count',
  'cases_related_to_updated_entities_count',
  'code',
  'created_entity_count',
  'entities',
  'entity_error_count',
  'message',
  'success',
  'transaction_id',
  'transactional_error_count',
  'transactional_errors',
  'updated_entity_count',
];
const ENTITY_KEYS = ['action', 'errors', 'id', 'related_cases', 'type', 'unique_keys', 'valid', 'warnings'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DRY_RUN = 'Transaction would have been successful. User selected dry run option, transaction aborted, no data written to database.';

describe('GDC submission API emulator over HTTP (real dictionary)', () => {
  let sandbox: GdcSandbox;
  let server: Listening;
  let caseId: string;

  beforeAll(async () => {
    sandbox = await createGdcSandbox({ dictionary: dataPath('gdc', 'dictionary_all.json.gz') });
    server = await listen(sandbox.handler);
  });
  afterAll(() => server.close());

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await request(`${server.url}${path}`, {
      method: method as 'GET',
      headers: { 'x-auth-token': GDC_SANDBOX_TOKENS.submitter, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: JSON.parse(text), headers: res.headers };
  }
  const post = (body: unknown, path = '/v0/submission/GDC/INTERNAL', headers?: Record<string, string>) => call('POST', path, body, headers);
  const put = (body: unknown, path = '/v0/submission/GDC/INTERNAL', headers?: Record<string, string>) => call('PUT', path, body, headers);
  const errorTypes = (json: any, i = 0) => json.entities[i].errors.map((e: any) => e.type);

  describe('the guide examples', () => {
    it('dry-runs the case: 200, the guide shape, nothing written', async () => {
      const { status, json } = await post(guideCase, '/v0/submission/GDC/INTERNAL/_dry_run');
      expect(status).toBe(200);
      expect(Object.keys(json)).toEqual(ENVELOPE_KEYS);
      expect(json).toMatchObject({ code: 200, success: true, created_entity_count: 1, message: DRY_RUN, entity_error_count: 0 });
      const { id } = json.entities[0];
      expect((await call('GET', `/v0/submission/GDC/INTERNAL/entities/${id}`)).json).toEqual({ message: `Not found: ${id}` });
    });

    it('creates the case with POST: 201 and the guide envelope', async () => {
      const { status, json } = await post(guideCase);
      expect(status).toBe(201);
      expect(Object.keys(json)).toEqual(ENVELOPE_KEYS);
      expect(Object.keys(json.entities[0])).toEqual(ENTITY_KEYS);
      caseId = json.entities[0].id;
      expect(caseId).toMatch(UUID);
      expect(json).toEqual({
        cases_related_to_created_entities_count: 0,
        cases_related_to_updated_entities_count: 0,
        code: 201,
        created_entity_count: 1,
        entities: [
          {
            action: 'create',
            errors: [],
            id: caseId,
            related_cases: [],
            type: 'case',
            unique_keys: [{ project_id: 'GDC-INTERNAL', submitter_id: 'GDC-INTERNAL-000093' }],
            valid: true,
            warnings: [],
          },
        ],
        entity_error_count: 0,
        message: 'Transaction successful.',
        success: true,
        transaction_id: expect.any(Number),
        transactional_error_count: 0,
        transactional_errors: [],
        updated_entity_count: 0,
      });
    });

    it('refuses the same POST again with the guide NOT_UNIQUE answer', async () => {
      const { status, json } = await post(guideCase);
      expect(status).toBe(400);
      expect(json).toEqual({
        cases_related_to_created_entities_count: 0,
        cases_related_to_updated_entities_count: 0,
        code: 400,
        created_entity_count: 0,
        entities: [
          {
            action: null,
            errors: [{ keys: ['id'], message: 'Cannot create an entity with an id that already exists.', type: 'NOT_UNIQUE' }],
            id: null,
            related_cases: [],
            type: 'case',
            unique_keys: [{ project_id: 'GDC-INTERNAL', submitter_id: 'GDC-INTERNAL-000093' }],
            valid: false,
            warnings: [],
          },
        ],
        entity_error_count: 1,
        message: 'Transaction aborted due to 1 invalid entity.',
        success: false,
        transaction_id: expect.any(Number),
        transactional_error_count: 0,
        transactional_errors: [],
        updated_entity_count: 0,
      });
    });

    it('updates it with PUT: 200, action update, the same id', async () => {
      const { status, json } = await put(guideCase);
      expect(status).toBe(200);
      expect(json).toMatchObject({ code: 200, success: true, created_entity_count: 0, updated_entity_count: 1, message: 'Transaction successful.' });
      expect(json.entities[0]).toMatchObject({ action: 'update', id: caseId, valid: true });
    });

    it('creates sample and aliquot in one transaction linked by submitter_id', async () => {
      const { status, json } = await post([guideSample, guideAliquot]);
      expect(status).toBe(201);
      expect(json).toMatchObject({ code: 201, created_entity_count: 2, cases_related_to_created_entities_count: 1 });
      expect(json.entities.map((e: any) => [e.type, e.action, e.related_cases])).toEqual([
        ['sample', 'create', [{ id: caseId, submitter_id: 'GDC-INTERNAL-000093' }]],
        ['aliquot', 'create', [{ id: caseId, submitter_id: 'GDC-INTERNAL-000093' }]],
      ]);
    });

    it('does the same with the case linked by id (unversioned path)', async () => {
      const sample = { ...guideSample, submitter_id: 'BYID-SAMPLE', cases: { id: caseId } };
      const aliquot = { ...guideAliquot, submitter_id: 'BYID-ALIQUOT', samples: { submitter_id: 'BYID-SAMPLE' } };
      const { status, json } = await post([sample, aliquot], '/submission/GDC/INTERNAL');
      expect(status).toBe(201);
      expect(json.entities.every((e: any) => e.valid && e.related_cases[0].id === caseId)).toBe(true);
    });

    it('dry-runs the two-sample TSV with PUT: both created, one related case', async () => {
      const { status, json } = await put(guideSamplesTsv, '/submission/GDC/INTERNAL/_dry_run', { 'content-type': 'text/tsv' });
      expect(status).toBe(200);
      expect(json).toMatchObject({ code: 200, success: true, message: DRY_RUN, created_entity_count: 2, cases_related_to_created_entities_count: 1 });
      expect(json.entities.map((e: any) => e.unique_keys[0].submitter_id)).toEqual(['GDC-INTERNAL-000093-sampleA', 'GDC-INTERNAL-000093-sampleB']);
    });
  });

  describe('invalid documents', () => {
    it.each([
      ['a bad enum', { ...guideCase, submitter_id: 'C-ENUM', primary_site: 'Moon' }, 'ERROR'],
      ['a missing required property', { type: 'case', submitter_id: 'C-REQ', projects: { code: 'INTERNAL' } }, 'MISSING_PROPERTY'],
      ['an unknown property', { ...guideCase, submitter_id: 'C-PROP', colour: 'blue' }, 'INVALID_PROPERTY'],
      ['a missing link', { ...guideSample, submitter_id: 'S-NOLINK', cases: { submitter_id: 'NOPE' } }, 'INVALID_LINK'],
      ['a missing required link', { ...guideSample, submitter_id: 'S-NOCASE', cases: undefined }, 'INVALID_LINK'],
      ['an unknown type', { type: 'casse', submitter_id: 'X' }, 'INVALID_TYPE'],
      ['a custom id that is not a UUID', { ...guideCase, submitter_id: 'C-ID', id: 'mine' }, 'INVALID_VALUE'],
    ])('rejects %s with %s (400, nothing written)', async (_what, doc, type) => {
      const { status, json } = await post(doc);
      expect(status).toBe(400);
      expect(json).toMatchObject({ success: false, code: 400, created_entity_count: 0, entity_error_count: 1 });
      expect(errorTypes(json)).toContain(type);
    });

    it('rejects an exclusive-link violation', async () => {
      const analyte = { type: 'analyte', submitter_id: 'AN-1', analyte_type: 'DNA', samples: { submitter_id: guideSample.submitter_id } };
      expect((await post(analyte)).status).toBe(201);
      const { json } = await post({ ...guideAliquot, submitter_id: 'AL-BOTH', analytes: { submitter_id: 'AN-1' } });
      expect(json.entities[0].errors[0]).toMatchObject({
        keys: ['analytes', 'samples'],
        type: 'INVALID_LINK',
        message: expect.stringMatching(/^Links to \['analytes', 'samples'\] are exclusive\.  More than one was provided: /),
      });
    });

    it('fails the whole transaction when one entity is invalid, and dry runs answer 200', async () => {
      const good = { ...guideCase, submitter_id: 'C-GOOD' };
      const bad = { ...guideCase, submitter_id: 'C-BAD', primary_site: 'Moon' };
      const dry = await post([good, bad], '/v0/submission/GDC/INTERNAL/_dry_run');
      expect(dry.status).toBe(200);
      expect(dry.json).toMatchObject({ code: 200, success: false, message: 'Transaction aborted due to 1 invalid entity.' });
      expect((await post([good, bad])).status).toBe(400);
      expect((await post(good)).status).toBe(201); // nothing of the failed attempt was written
    });

    it('reports two entities with the same unique keys as a transactional error', async () => {
      const twin = { ...guideCase, submitter_id: 'C-TWIN' };
      const { json } = await post([twin, twin]);
      expect(json.transactional_errors).toEqual([{ message: "Entity is not unique, (('GDC-INTERNAL', 'C-TWIN'),)", type: 'NOT_UNIQUE' }]);
      // Both are also flushed, so the unique-keys validator flags each of them, as upstream's does.
      expect(json.entities[0].errors[0].message).toBe("case with {'project_id': 'GDC-INTERNAL', 'submitter_id': 'C-TWIN'} already exists in the GDC");
      expect(json.message).toBe('Transaction aborted due to 2 invalid entities and 1 transactional error(s).');
    });

    it('refuses duplicate JSON keys and unreadable bodies with 400 {message}', async () => {
      const dup = await post('{"type": "case", "type": "sample"}');
      expect(dup).toMatchObject({ status: 400, json: { message: 'Unable to parse json: The document contains duplicate keys: type' } });
      expect((await post('[{')).json.message).toMatch(/^Unable to parse json: /);
      const tsv = await put('type\tsubmitter_id\nsample\tS\textra', '/v0/submission/GDC/INTERNAL', { 'content-type': 'text/tab-separated-values', 'x-document-name': 'bad.tsv' });
      expect(tsv.json.message).toMatch(/^Unable to parse doc 'bad.tsv': \[/);
    });

    it('answers "Nothing to submit" for an empty document', async () => {
      const { json } = await post([]);
      expect(json).toMatchObject({ success: false, transactional_errors: ['Nothing to submit'] });
    });
  });

  describe('entities', () => {
    it('returns entities in request order with every property and links as {id, submitter_id}', async () => {
      const created = await post([{ ...guideSample, submitter_id: 'ORDER-S' }, { ...guideAliquot, submitter_id: 'ORDER-A', samples: { submitter_id: 'ORDER-S' } }]);
      const [sampleId, aliquotId] = created.json.entities.map((e: any) => e.id);
      const { status, json } = await call('GET', `/v0/submission/GDC/INTERNAL/entities/${aliquotId},${caseId},${sampleId}`);
      expect(status).toBe(200);
      expect(json.entities.map((e: any) => e.properties.type)).toEqual(['aliquot', 'case', 'sample']);
      expect(json.entities[1]).toMatchObject({
        program: 'GDC',
        project: 'INTERNAL',
        properties: {
          id: caseId,
          type: 'case',
          project_id: 'GDC-INTERNAL',
          state: 'validated',
          submitter_id: 'GDC-INTERNAL-000093',
          primary_site: 'Base of tongue',
          consent_type: null,
          created_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          updated_datetime: expect.any(String),
          projects: [{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), submitter_id: null }],
        },
      });
      expect(json.entities[0].properties.samples).toEqual([{ id: sampleId, submitter_id: 'ORDER-S' }]);
    });

    it('answers 400 "Not found" when any id is unknown or belongs to another project', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const { status, json } = await call('GET', `/v0/submission/GDC/INTERNAL/entities/${caseId},${unknown}`);
      expect(status).toBe(400);
      expect(json).toEqual({ message: `Not found: ${unknown}` });
      expect((await call('GET', `/v0/submission/TCGA/ALCH/entities/${caseId}`)).json).toEqual({ message: `Not found: ${caseId}` });
    });

    it("refuses to update another project's entity", async () => {
      const { json } = await put({ type: 'case', id: caseId, disease_type: 'Gliomas' }, '/v0/submission/TCGA/ALCH');
      expect(json.entities[0].errors).toContainEqual({ keys: [], message: 'Entity is owned by project GDC-INTERNAL, not TCGA-ALCH', type: 'INVALID_PERMISSIONS' });
    });

    it('PATCHes only the given properties', async () => {
      const { status, json } = await call('PATCH', '/v0/submission/GDC/INTERNAL', { type: 'case', id: caseId, primary_site: 'Brain' });
      expect(status).toBe(200);
      expect(json).toMatchObject({ success: true, updated_entity_count: 1 });
      const props = (await call('GET', `/v0/submission/GDC/INTERNAL/entities/${caseId}`)).json.entities[0].properties;
      expect(props).toMatchObject({ primary_site: 'Brain', disease_type: 'Blood Vessel Tumors' });
      // PUT validates the document as given, so the same partial document fails there.
      expect(errorTypes((await put({ type: 'case', id: caseId, primary_site: 'Brain' })).json)).toContain('MISSING_PROPERTY');
    });
  });

  describe('deletion', () => {
    it('deletes over HTTP, refusing parents with dependents, and needs the delete role', async () => {
      const created = await post([{ ...guideCase, submitter_id: 'DEL-C' }, { ...guideSample, submitter_id: 'DEL-S', cases: { submitter_id: 'DEL-C' } }]);
      const [c, s] = created.json.entities.map((e: any) => e.id);
      const refused = await call('DELETE', `/v0/submission/GDC/INTERNAL/entities/${c}`);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ success: false, dependent_ids: s, entities: [{ action: 'delete', valid: false }] });
      expect((await call('DELETE', `/v0/submission/GDC/INTERNAL/entities/${s},${c}`, undefined, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly })).status).toBe(403);
      const dry = await call('DELETE', `/v0/submission/GDC/INTERNAL/entities/_dry_run/${s},${c}`);
      expect(dry.json).toMatchObject({ success: true, message: 'Dry run successful. Would have deleted 2 entities' });
      const done = await call('DELETE', `/v0/submission/GDC/INTERNAL/entities/${s},${c}`);
      expect(done).toMatchObject({ status: 200, json: { code: 200, deleted_entity_count: 2, message: 'Successfully deleted 2 entities' } });
      expect((await call('GET', `/v0/submission/GDC/INTERNAL/entities/${c}`)).json).toEqual({ message: `Not found: ${c}` });
      expect(sandbox.service.logs.get(done.json.transaction_id)!.role).toBe('delete');
      // Flask sorts JSON keys, and so does the emulator.
      const missing = await call('DELETE', '/v0/submission/GDC/INTERNAL/entities/00000000-0000-4000-8000-000000000000');
      expect(Object.keys(missing.json.entities[0].errors[0])).toEqual(['id', 'keys', 'message', 'type']);
    });
  });

  describe('dictionary', () => {
    it('lists, serves one type and everything, without a token', async () => {
      const links = await call('GET', '/v0/submission/_dictionary', undefined, { 'x-auth-token': '' });
      expect(links.status).toBe(200);
      expect(links.json.links).toContain('/v0/submission/_dictionary/case');
      expect(links.json.links).toHaveLength(83);
      const aliquot = await call('GET', '/v0/submission/_dictionary/aliquot', undefined, { 'x-auth-token': '' });
      expect(aliquot.json).toMatchObject({ id: 'aliquot', category: 'biospecimen' });
      expect(aliquot.json.links[0]).toMatchObject({ exclusive: true, required: true });
      const all = await call('GET', '/submission/_dictionary/_all');
      expect(Object.keys(all.json)).toEqual(expect.arrayContaining(['case', 'sample', '_definitions', '_terms', '_terms_enum', 'metaschema']));
      expect(Object.keys(all.json)).toHaveLength(87);
      expect(Object.keys(all.json.case.properties)).toEqual([...Object.keys(all.json.case.properties)].sort());
    });

    it('serves the same under a project, and 404s for unknown entries and projects', async () => {
      const scoped = await call('GET', '/v0/submission/GDC/INTERNAL/_dictionary');
      expect(scoped.json.links[0]).toMatch(/^\/v0\/submission\/GDC\/INTERNAL\/_dictionary\//);
      expect((await call('GET', '/v0/submission/GDC/INTERNAL/_dictionary/case')).json.id).toBe('case');
      const missing = await call('GET', '/v0/submission/_dictionary/no_such_node');
      expect(missing).toMatchObject({ status: 404, json: { message: expect.any(String) } });
      expect((await call('GET', '/v0/submission/_dictionary/constructor')).status).toBe(404);
      expect((await call('GET', '/v0/submission/NOPE/X/_dictionary')).status).toBe(404);
    });
  });

  describe('templates', () => {
    it('serves a template download without a token, TSV by default', async () => {
      const res = await request(`${server.url}/v0/submission/template/sample`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toContain('submission_sample_template.tsv');
      expect((await res.body.text()).split('\t').slice(0, 3)).toEqual(['type', 'project_id', '*submitter_id']);
      const json = await call('GET', '/v0/submission/GDC/INTERNAL/template/case?format=json', undefined, { 'x-auth-token': '' });
      expect(json.json).toMatchObject({ type: 'case', projects: { code: null } });
      expect((await call('GET', '/v0/submission/template/nothing')).status).toBe(404);
    });
  });

  describe('auth and routing', () => {
    it('answers 401 without a token and 403 for an unknown one', async () => {
      const none = await call('POST', '/v0/submission/GDC/INTERNAL', guideCase, { 'x-auth-token': '' });
      expect(none).toMatchObject({ status: 401, json: { message: expect.any(String) } });
      const unknown = await call('GET', `/v0/submission/GDC/INTERNAL/entities/${caseId}`, undefined, { 'x-auth-token': 'nope' });
      expect(unknown.status).toBe(403);
      expect(unknown.json.message).toMatch(/^You don't have access to this resource: /);
    });

    it('lets the read-only token read but not write', async () => {
      const ro = { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly };
      expect((await call('GET', `/v0/submission/GDC/INTERNAL/entities/${caseId}`, undefined, ro)).status).toBe(200);
      const write = await post({ ...guideCase, submitter_id: 'RO' }, '/v0/submission/GDC/INTERNAL', ro);
      expect(write.status).toBe(403);
      expect(write.json.message).toMatch(/^You don't have access to this resource: /);
    });

    it('404s unknown projects and paths with a JSON message', async () => {
      const project = await post(guideCase, '/v0/submission/GDC/NOPE');
      expect(project).toMatchObject({ status: 404, json: { message: expect.stringContaining('NOPE') } });
      expect((await call('GET', '/v0/elsewhere')).json).toEqual({ message: expect.any(String) });
    });

    it('counts requests with the caller named, never the token', async () => {
      sandbox.requests.reset();
      await call('GET', `/v0/submission/GDC/INTERNAL/entities/${caseId}`);
      await post({ ...guideCase, submitter_id: 'COUNTED' }, '/v0/submission/GDC/INTERNAL/_dry_run');
      expect(sandbox.requests.count()).toBe(2);
      expect(sandbox.requests.count({ method: 'POST', pathPrefix: '/v0/submission/GDC/INTERNAL' })).toBe(1);
      expect(sandbox.requests.entries.map((e) => [e.status, e.principal])).toEqual([
        [200, 'sandbox-submitter'],
        [200, 'sandbox-submitter'],
      ]);
    });
  });

  describe('transactions', () => {
    it('logs each transaction with its document, state and snapshots', async () => {
      const { json } = await post({ ...guideCase, submitter_id: 'LOGGED' }, '/v0/submission/GDC/INTERNAL', { 'x-document-name': 'case.json' });
      const log = sandbox.service.logs.get(json.transaction_id)!;
      expect(log).toMatchObject({ role: 'create', program: 'GDC', project: 'INTERNAL', is_dry_run: false, state: 'SUCCEEDED', closed: false, committed_by: null, submitter: 'sandbox-submitter' });
      expect(log.documents[0]).toMatchObject({ name: 'case.json', doc_format: 'json', response_json: json });
      expect(log.canonical_json).toEqual([{ ...guideCase, submitter_id: 'LOGGED' }]);
      expect(log.entities[0]).toMatchObject({ id: json.entities[0].id, action: 'create' });
      const failed = await post({ type: 'casse' });
      expect(sandbox.service.logs.get(failed.json.transaction_id)!.state).toBe('FAILED');
    });

    it('runs ?async=true after answering, and refuses a bad flag', async () => {
      const { status, json } = await post({ ...guideCase, submitter_id: 'ASYNC' }, '/v0/submission/GDC/INTERNAL?async=true');
      expect(status).toBe(200);
      expect(json).toEqual({ code: 200, message: 'Transaction submitted.', transaction_id: expect.any(Number) });
      await new Promise((r) => setTimeout(r, 50));
      expect(sandbox.service.logs.get(json.transaction_id)!.state).toBe('SUCCEEDED');
      expect((await post(guideCase, '/v0/submission/GDC/INTERNAL?async=maybe')).json).toEqual({ message: 'Boolean value not one of [true, false]' });
    });

    it('commits a dry run as a new transaction, once', async () => {
      const dry = await post({ ...guideCase, submitter_id: 'COMMITTED' }, '/v0/submission/GDC/INTERNAL/_dry_run');
      const id = dry.json.transaction_id;
      const commit = await post(undefined, `/v0/submission/GDC/INTERNAL/transactions/${id}/commit`);
      expect(commit.status).toBe(201);
      expect(commit.json).toMatchObject({ success: true, message: 'Transaction successful.', created_entity_count: 1 });
      expect(commit.json.transaction_id).not.toBe(id);
      expect(sandbox.service.logs.get(id)!.committed_by).toBe(commit.json.transaction_id);
      const again = await post(undefined, `/v0/submission/GDC/INTERNAL/transactions/${id}/commit`);
      expect(again).toMatchObject({ status: 400, json: { message: `This transaction_log was committed already by transaction '${commit.json.transaction_id}'.` } });
      const notDry = await post(undefined, `/v0/submission/GDC/INTERNAL/transactions/${commit.json.transaction_id}/commit`);
      expect(notDry.json.message).toBe(`Cannot submit transaction_log '${commit.json.transaction_id}', not a dry_run.`);
      const elsewhere = await post(undefined, `/v0/submission/TCGA/ALCH/transactions/${id}/commit`);
      expect(elsewhere).toMatchObject({ status: 404, json: { message: `Unable to find transaction_log with id: ${id} for project TCGA-ALCH` } });
    });

    it('closes a dry run so it cannot be committed', async () => {
      const dry = await put({ ...guideCase, submitter_id: 'CLOSED' }, '/v0/submission/GDC/INTERNAL/_dry_run');
      const id = dry.json.transaction_id;
      const close = await put(undefined, `/v0/submission/GDC/INTERNAL/transactions/${id}/close`);
      expect(close).toMatchObject({ status: 200, json: { code: 200, message: 'Closed transaction.', transaction_id: id } });
      expect((await post(undefined, `/v0/submission/GDC/INTERNAL/transactions/${id}/commit`)).json.message).toBe('Unable to commit closed transaction log.');
      expect((await put(undefined, `/v0/submission/GDC/INTERNAL/transactions/${id}/close`)).json.message).toBe('This transaction log is already closed.');
      const failedDry = await post({ type: 'casse' }, '/v0/submission/GDC/INTERNAL/_dry_run');
      expect((await post(undefined, `/v0/submission/GDC/INTERNAL/transactions/${failedDry.json.transaction_id}/commit`)).json.message).toBe(
        'Unable to commit transaction log in state FAILED.',
      );
    });
  });
});
