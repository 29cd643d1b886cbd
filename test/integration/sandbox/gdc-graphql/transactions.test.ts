import { caseDoc, GdcGraphqlFixture, sampleDoc } from './fixture';

const LOG_FIELDS = `id type role state is_dry_run closed committable committed_by submitter program project project_id created_datetime
  documents { id transaction_id doc_format doc doc_size name response_json
    response { transaction_id code success message created_entity_count updated_entity_count deleted_entity_count dependent_ids
      transactional_errors entity_error_count
      entities { id type action valid unique_keys warnings related_cases { id submitter_id } errors { keys message type dependents { id type } } } } }
  snapshots { id transaction_id action old_props new_props }
  related_cases { id submitter_id }`;

describe('submission GraphQL: transaction_log after create, dry run, commit, close and delete (real dictionary)', () => {
  let gdc: GdcGraphqlFixture;
  const log = async (id: number | string) => (await gdc.data(`{ transaction_log(id: ${id}) { ${LOG_FIELDS} } }`)).transaction_log[0];

  beforeAll(async () => {
    gdc = await GdcGraphqlFixture.start();
  });
  afterAll(() => gdc.stop());

  let created: any;
  let dryRun: any;
  let commit: any;
  let closedDryRun: any;

  it('a create is an "upload" log with its document, response and snapshots as peregrine shows them', async () => {
    created = await gdc.submit('GDC-INTERNAL', [caseDoc('INTERNAL', 'TX-CASE-1'), sampleDoc('TX-SAMPLE-1', 'TX-CASE-1')]);
    const entry = await log(created.transaction_id);
    const caseId = created.entities[0].id;
    const node = (await gdc.data(`{ case(id: "${caseId}") { created_datetime } }`)).case[0];
    expect(entry).toMatchObject({
      id: String(created.transaction_id),
      type: 'upload',
      role: 'create',
      state: 'SUCCEEDED',
      is_dry_run: false,
      closed: false,
      committable: false,
      committed_by: null,
      submitter: 'sandbox-submitter',
      program: 'GDC',
      project: 'INTERNAL',
      project_id: 'GDC-INTERNAL',
      related_cases: [{ id: caseId, submitter_id: 'TX-CASE-1' }],
    });
    const [document] = entry.documents;
    expect(document).toMatchObject({ transaction_id: String(created.transaction_id), doc_format: 'json', name: null });
    expect(document.doc_size).toBe(document.doc.length);
    expect(JSON.parse(document.doc)).toEqual([caseDoc('INTERNAL', 'TX-CASE-1'), sampleDoc('TX-SAMPLE-1', 'TX-CASE-1')]);
    // response_json is Python's json.dumps of the stored envelope.
    expect(JSON.parse(document.response_json)).toEqual(created);
    expect(document.response_json).toContain('"success": true, ');
    expect(document.response).toMatchObject({ code: 201, success: true, created_entity_count: 2, message: 'Transaction successful.', transactional_errors: [] });
    expect(document.response.entities[0]).toEqual({
      action: 'create',
      errors: [],
      id: caseId,
      related_cases: [],
      type: 'case',
      unique_keys: '[{"project_id": "GDC-INTERNAL", "submitter_id": "TX-CASE-1"}]',
      valid: true,
      warnings: '[]',
    });
    expect(document.response.entities[1].related_cases).toEqual([{ id: caseId, submitter_id: 'TX-CASE-1' }]);
    // Snapshot properties read back from JSONB: keys by length, then bytes, printed as a Python dict.
    const snapshot = entry.snapshots.find((s: any) => s.id === caseId);
    expect(snapshot).toEqual({
      id: caseId,
      transaction_id: created.transaction_id,
      action: 'create',
      old_props: '{}',
      new_props:
        `{'state': 'validated', 'project_id': 'GDC-INTERNAL', 'disease_type': 'Blood Vessel Tumors', 'primary_site': 'Bronchus and lung', ` +
        `'submitter_id': 'TX-CASE-1', 'created_datetime': '${node.created_datetime}', 'updated_datetime': '${node.created_datetime}'}`,
    });
  });

  it('a dry run is committable until committed; the commit is a new transaction and the dry run names it', async () => {
    dryRun = await gdc.submit('GDC-INTERNAL', caseDoc('INTERNAL', 'TX-CASE-2'), 'POST', '/_dry_run');
    expect(await log(dryRun.transaction_id)).toMatchObject({ is_dry_run: true, state: 'SUCCEEDED', committable: true, committed_by: null, role: 'create' });
    expect((await gdc.data('{ transaction_log(committable: true) { id } }')).transaction_log).toEqual([{ id: String(dryRun.transaction_id) }]);

    commit = (await gdc.call('PUT', `/v0/submission/GDC/INTERNAL/transactions/${dryRun.transaction_id}/commit`)).json;
    expect(commit.success).toBe(true);
    expect(await log(dryRun.transaction_id)).toMatchObject({ committable: false, committed_by: String(commit.transaction_id), state: 'SUCCEEDED' });
    const committed = await log(commit.transaction_id);
    expect(committed).toMatchObject({ is_dry_run: false, state: 'SUCCEEDED', type: 'upload', committable: false });
    expect(committed.documents[0].response).toMatchObject({ success: true, created_entity_count: 1 });
    expect((await gdc.data(`{ transaction_log(committed_by: ${commit.transaction_id}) { id } }`)).transaction_log).toEqual([{ id: String(dryRun.transaction_id) }]);
    expect((await gdc.data('{ transaction_log(committable: true) { id } }')).transaction_log).toEqual([]);
  });

  it('a closed dry run is closed and no longer committable', async () => {
    closedDryRun = await gdc.submit('GDC-INTERNAL', caseDoc('INTERNAL', 'TX-CASE-3'), 'PUT', '/_dry_run');
    const closed = await gdc.call('POST', `/v0/submission/GDC/INTERNAL/transactions/${closedDryRun.transaction_id}/close`);
    expect(closed.status).toBe(200);
    expect(await log(closedDryRun.transaction_id)).toMatchObject({ closed: true, committable: false, is_dry_run: true, role: 'update', type: 'upload' });
    expect((await gdc.data('{ transaction_log(closed: true) { id } }')).transaction_log).toEqual([{ id: String(closedDryRun.transaction_id) }]);
  });

  let refusedDelete: any;
  let deletion: any;

  it('deletions are "delete" logs: a refused one carries the dependents, a done one snapshots what went', async () => {
    const caseId = created.entities[0].id;
    const sampleId = created.entities[1].id;
    refusedDelete = (await gdc.call('DELETE', `/v0/submission/GDC/INTERNAL/entities/${caseId}`)).json;
    const refused = await log(refusedDelete.transaction_id);
    expect(refused).toMatchObject({ type: 'delete', role: 'delete', state: 'FAILED', snapshots: [] });
    expect(refused.documents[0].response).toMatchObject({ success: false, dependent_ids: sampleId, deleted_entity_count: 0 });
    expect(refused.documents[0].response.entities[0].errors).toEqual([
      {
        keys: [],
        type: 'INVALID_LINK',
        message: expect.stringContaining('Unable to delete entity because at least 1 other(s) directly or indirectly depend on it.'),
        dependents: [{ id: sampleId, type: 'sample' }],
      },
    ]);
    // A deletion's entities have no unique_keys: peregrine prints an empty list.
    expect(refused.documents[0].response.entities[0].unique_keys).toBe('[]');

    deletion = (await gdc.call('DELETE', `/v0/submission/GDC/INTERNAL/entities/${sampleId}`)).json;
    expect(deletion.success).toBe(true);
    const done = await log(deletion.transaction_id);
    expect(done).toMatchObject({ type: 'delete', state: 'SUCCEEDED', is_dry_run: false });
    expect(done.snapshots).toEqual([
      { id: sampleId, transaction_id: deletion.transaction_id, action: 'delete', old_props: expect.stringContaining("'submitter_id': 'TX-SAMPLE-1'"), new_props: '{}' },
    ]);
    expect(done.documents[0].response).toMatchObject({ deleted_entity_count: 1, message: 'Successfully deleted 1 entities' });
  });

  it('an entity lists the transactions that touched it (_transaction_logs) and their count', async () => {
    const caseId = created.entities[0].id;
    const data = await gdc.data(`{ case(id: "${caseId}") { _transaction_logs { id type } _transaction_logs_count } }`);
    expect(data.case[0]._transaction_logs).toEqual([{ id: String(created.transaction_id), type: 'upload' }]);
    expect(data.case[0]._transaction_logs_count).toBe(1);
    const sampleId = created.entities[1].id;
    const byEntity = await gdc.data(`{ transaction_log(entities: ["${sampleId}"]) { id role } }`);
    expect(byEntity.transaction_log).toEqual([
      { id: String(created.transaction_id), role: 'create' },
      { id: String(deletion.transaction_id), role: 'delete' },
    ]);
  });

  it('filters, order, last, pages and counts of transaction_log', async () => {
    const ids = async (args: string) => (await gdc.data(`{ transaction_log(${args}) { id } }`)).transaction_log.map((l: any) => Number(l.id));
    const all = [created, dryRun, commit, closedDryRun, refusedDelete, deletion].map((t) => t.transaction_id);
    expect(await ids('first: 0')).toEqual(all);
    expect(await ids('type: "upload"')).toEqual([created, dryRun, commit, closedDryRun].map((t) => t.transaction_id));
    expect(await ids('type: "delete", state: "FAILED"')).toEqual([refusedDelete.transaction_id]);
    expect(await ids('is_dry_run: true')).toEqual([dryRun.transaction_id, closedDryRun.transaction_id]);
    expect(await ids('committable: false, is_dry_run: true')).toEqual([dryRun.transaction_id, closedDryRun.transaction_id]);
    expect(await ids('project_id: ["GDC-INTERNAL"], program: "GDC", project: "INTERNAL", first: 0')).toEqual(all);
    expect(await ids('project_id: ["TCGA-LUAD"]')).toEqual([]);
    expect(await ids(`quick_search: "${commit.transaction_id}"`)).toEqual([commit.transaction_id]);
    expect(await ids('quick_search: "abc"')).toEqual([]);
    expect(await ids(`related_cases: ["${created.entities[0].id}"]`)).toEqual([created.transaction_id, deletion.transaction_id]);
    expect(await ids('order_by_desc: "id", first: 2')).toEqual(all.slice(-2).reverse());
    expect(await ids('last: 2')).toEqual(all.slice(-2).reverse());
    expect(await ids('first: 2, offset: 1')).toEqual(all.slice(1, 3));
    expect(await ids('order_by_asc: "role", first: 0')).toEqual([created, dryRun, commit, refusedDelete, deletion, closedDryRun].map((t) => t.transaction_id));
    const counts = await gdc.data('{ a: _transaction_log_count b: _transaction_log_count(type: "delete") c: _transaction_log_count(first: 4) d: _transaction_log_count(offset: 5) }');
    expect(counts).toEqual({ a: 6, b: 2, c: 4, d: 1 });
  });

  it('an id that is not an integer is Postgres’ error', async () => {
    const reply = await gdc.gql('{ transaction_log(id: "x1") { id } }');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ data: { transaction_log: null }, errors: ['invalid input syntax for type integer: "x1"'] });
  });
});
