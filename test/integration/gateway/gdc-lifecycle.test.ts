import { ok, startStack, type Stack } from '../../support/stack';
import {
  CLOSE,
  COMMIT,
  CREATE,
  DELETE,
  DRY_RUN_MESSAGE,
  ENTITIES,
  aliquotOf,
  caseOf,
  guideAliquot,
  guideCase,
  guideSample,
  guideSamplesTsv,
  sampleOf,
} from '../../support/gdc';

/**
 * The guide's request/response examples and the transaction lifecycle (dry run → commit or close,
 * async, delete) through the gateway, against the sandbox on the real dictionary.
 */
describe('GDC transactions through the gateway', () => {
  let stack: Stack;
  let caseId: string;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  const create = async (input: Record<string, unknown>) =>
    ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ...input } })).createEntities;
  const commit = async (transactionId: number, extra: Record<string, unknown> = {}) =>
    ok(await stack.gql(COMMIT, { input: { project: 'GDC-INTERNAL', transactionId, ...extra } })).commitTransaction;
  const close = async (transactionId: number) => ok(await stack.gql(CLOSE, { input: { project: 'GDC-INTERNAL', transactionId } })).closeTransaction;
  const remove = async (ids: string[], dryRun = false) =>
    ok(await stack.gql(DELETE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ids, dryRun } })).deleteEntities;
  const logs = () => stack.sandbox.gdc!.emulator.service.logs;
  const TRANSACTION = `query T($project: String!, $id: Int!) { gdcTransaction(project: $project, id: $id) { id state isDryRun documents } }`;

  describe('the guide examples', () => {
    it('dry run of the case: 200, the dry-run message, one entity to create, no related case', async () => {
      const r = await create({ entities: [guideCase], dryRun: true });
      expect(r).toMatchObject({ success: true, dryRun: true, upstreamStatus: 200, message: DRY_RUN_MESSAGE, createdCount: 1, updatedCount: 0 });
      expect(r).toMatchObject({ casesRelatedToCreatedCount: 0, casesRelatedToUpdatedCount: 0, errorCount: 0, transactionalErrors: [] });
      expect(r.entities[0]).toMatchObject({
        action: 'create',
        valid: true,
        type: 'case',
        relatedCases: [],
        uniqueKeys: [{ project_id: 'GDC-INTERNAL', submitter_id: 'GDC-INTERNAL-000093' }],
      });
    });

    it('POST: 201 "Transaction successful."; again: 400 NOT_UNIQUE; PUT: 200 update', async () => {
      const created = await create({ entities: [guideCase] });
      expect(created).toMatchObject({ success: true, upstreamStatus: 201, message: 'Transaction successful.', createdCount: 1 });
      caseId = created.entities[0].id;
      const again = await create({ entities: [guideCase] });
      expect(again).toMatchObject({ success: false, upstreamStatus: 400, message: 'Transaction aborted due to 1 invalid entity.', createdCount: 0, errorCount: 1 });
      expect(again.entities[0]).toMatchObject({ action: null, valid: false, id: null });
      expect(again.entities[0].errors).toEqual([
        {
          code: 'NOT_UNIQUE',
          type: 'NOT_UNIQUE',
          message: 'an entity with this id already exists (submit with upsert: true to update it)',
          upstreamMessage: 'Cannot create an entity with an id that already exists.',
          row: null,
          column: null,
          keys: ['id'],
          dependents: null,
        },
      ]);
      const put = await create({ entities: [guideCase], upsert: true });
      expect(put).toMatchObject({ success: true, upstreamStatus: 200, message: 'Transaction successful.', createdCount: 0, updatedCount: 1 });
      expect(put.entities[0]).toMatchObject({ action: 'update', id: caseId });
    });

    it('sample + aliquot by submitter_id: 201, 2 created, both related to the case, 1 case counted', async () => {
      const r = await create({ entities: [guideSample, guideAliquot] });
      expect(r).toMatchObject({ success: true, upstreamStatus: 201, createdCount: 2, casesRelatedToCreatedCount: 1, casesRelatedToUpdatedCount: 0 });
      for (const e of r.entities) expect(e.relatedCases).toEqual([{ id: caseId, submitterId: 'GDC-INTERNAL-000093' }]);
    });

    it('the two-sample TSV as a PUT dry run: 200, 2 to create, rows named, 1 related case', async () => {
      const r = await create({ document: guideSamplesTsv, format: 'TSV', upsert: true, dryRun: true });
      expect(r).toMatchObject({ success: true, upstreamStatus: 200, message: DRY_RUN_MESSAGE, createdCount: 2, casesRelatedToCreatedCount: 1 });
      expect(r.entities.map((e: any) => [e.row, e.submitterId])).toEqual([
        [2, 'GDC-INTERNAL-000093-sampleA'],
        [3, 'GDC-INTERNAL-000093-sampleB'],
      ]);
    });

    it('the QA-REGRESSION update: POST 3 entities (201), PUT them again (200, 3 updated, 1 case related)', async () => {
      const docs = [caseOf('QA-REGRESSION-0002', 'QA-REGRESSION'), sampleOf('QA-REGRESSION-0002-SAMPLE000001', 'QA-REGRESSION-0002'), aliquotOf('QA-REGRESSION-0002-SAMPLE000001-ALIQUOT000001', 'QA-REGRESSION-0002-SAMPLE000001')];
      const created = await create({ project: 'QA-REGRESSION', entities: docs });
      expect(created).toMatchObject({ upstreamStatus: 201, createdCount: 3, casesRelatedToCreatedCount: 1 });
      const updated = await create({ project: 'QA-REGRESSION', entities: docs.map((d, i) => (i === 1 ? { ...d, days_to_collection: 5 } : d)), upsert: true });
      expect(updated).toMatchObject({ upstreamStatus: 200, message: 'Transaction successful.', createdCount: 0, updatedCount: 3, casesRelatedToUpdatedCount: 1 });
      expect(updated.entities.map((e: any) => e.id)).toEqual(created.entities.map((e: any) => e.id));
    });
  });

  describe('dry run, then commit or close', () => {
    it('commits a dry run as a new transaction, once; a second commit comes back in the result', async () => {
      const dry = await create({ entities: [caseOf('COMMIT-ME')], dryRun: true });
      expect(dry.transactionId).toEqual(expect.any(Number));
      const r = await commit(dry.transactionId);
      expect(r).toMatchObject({ success: true, dryRun: false, upstreamStatus: 201, message: 'Transaction successful.', createdCount: 1 });
      expect(r.transactionId).not.toBe(dry.transactionId);
      expect(r.entities[0]).toMatchObject({ action: 'create', submitterId: 'COMMIT-ME' });
      const again = await commit(dry.transactionId);
      expect(again).toMatchObject({
        success: false,
        upstreamStatus: 400,
        message: `This transaction_log was committed already by transaction '${r.transactionId}'.`,
        transactionalErrors: [`This transaction_log was committed already by transaction '${r.transactionId}'.`],
        entities: [],
      });
      const notDry = await commit(r.transactionId);
      expect(notDry).toMatchObject({ success: false, message: `Cannot submit transaction_log '${r.transactionId}', not a dry_run.` });
      const unknown = await commit(999999);
      expect(unknown).toMatchObject({ success: false, upstreamStatus: 404, message: 'Unable to find transaction_log with id: 999999 for project GDC-INTERNAL' });
    });

    it('commits asynchronously: the new transaction id at once, the work done after', async () => {
      const dry = await create({ entities: [caseOf('COMMIT-ASYNC')], dryRun: true });
      const r = await commit(dry.transactionId, { async: true });
      expect(r).toMatchObject({ success: true, upstreamStatus: 200, message: 'Transaction submitted.', entities: [] });
      expect(r.transactionId).toBeGreaterThan(dry.transactionId);
      await waitFor(() => logs().get(r.transactionId)?.state === 'SUCCEEDED');
      expect(logs().get(dry.transactionId)!.committed_by).toBe(r.transactionId);
    });

    it('closes a dry run; committing it then fails in the result, closing again too', async () => {
      const dry = await create({ entities: [caseOf('CLOSE-ME')], dryRun: true });
      const closed = await close(dry.transactionId);
      expect(closed).toMatchObject({ success: true, upstreamStatus: 200, message: 'Closed transaction.', transactionId: dry.transactionId });
      expect(await commit(dry.transactionId)).toMatchObject({ success: false, upstreamStatus: 400, message: 'Unable to commit closed transaction log.' });
      expect(await close(dry.transactionId)).toMatchObject({ success: false, message: 'This transaction log is already closed.' });
    });

    it('refuses to commit a failed dry run, in the result', async () => {
      const dry = await create({ entities: [{ ...caseOf('BAD'), primary_site: 'Moon' }], dryRun: true });
      expect(dry.success).toBe(false);
      expect(await commit(dry.transactionId)).toMatchObject({ success: false, message: 'Unable to commit transaction log in state FAILED.' });
    });
  });

  describe('async submission', () => {
    it('answers at once with the transaction id; polled with gdcTransaction, GDC has run it', async () => {
      const r = await create({ entities: [caseOf('ASYNC-1')], async: true });
      expect(r).toMatchObject({ success: true, dryRun: false, upstreamStatus: 200, message: 'Transaction submitted.', entities: [] });
      expect(r.transactionId).toEqual(expect.any(Number));
      const poll = async () => ok(await stack.gql(TRANSACTION, { project: 'GDC-INTERNAL', id: r.transactionId })).gdcTransaction;
      let log = await poll();
      for (let i = 0; i < 100 && log.state === 'PENDING'; i++) log = await poll();
      expect(log).toMatchObject({ id: r.transactionId, state: 'SUCCEEDED', isDryRun: false });
      const answer = log.documents[0].response;
      expect(answer).toMatchObject({ success: true, created_entity_count: 1 });
      const { gdcEntities } = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [answer.entities[0].id] }));
      expect(gdcEntities[0].properties.submitter_id).toBe('ASYNC-1');
    });

    it('async with a failing document: the log says FAILED, with GDC’s errors', async () => {
      const r = await create({ entities: [{ ...caseOf('ASYNC-BAD'), primary_site: 'Moon' }], async: true });
      expect(r).toMatchObject({ success: true, message: 'Transaction submitted.' });
      const poll = async () => ok(await stack.gql(TRANSACTION, { project: 'GDC-INTERNAL', id: r.transactionId })).gdcTransaction;
      let log = await poll();
      for (let i = 0; i < 100 && log.state === 'PENDING'; i++) log = await poll();
      expect(log.state).toBe('FAILED');
      expect(log.documents[0].response.entities[0].errors[0].message).toMatch(/'Moon' is not one of/);
    });
  });

  describe('deletion', () => {
    let parent: string;
    let child: string;

    beforeAll(async () => {
      const r = await create({ entities: [caseOf('DEL-C'), sampleOf('DEL-S', 'DEL-C')] });
      [parent, child] = r.entities.map((e: any) => e.id);
    });

    it('refuses a parent with children: INVALID_LINK with the dependents in the result', async () => {
      const r = await remove([parent]);
      expect(r).toMatchObject({ success: false, upstreamStatus: 400, deletedCount: 0, errorCount: 1 });
      expect(r.entities[0]).toMatchObject({ action: 'delete', id: parent, type: 'case', valid: false });
      expect(r.entities[0].errors).toEqual([
        {
          code: 'INVALID_LINK',
          type: 'INVALID_LINK',
          // Already plain words: kept as GDC wrote it.
          message:
            'Unable to delete entity because at least 1 other(s) directly or indirectly depend on it. You can only delete this entity by deleting its dependents prior to, or during the same transaction as this one.',
          upstreamMessage:
            'Unable to delete entity because at least 1 other(s) directly or indirectly depend on it. You can only delete this entity by deleting its dependents prior to, or during the same transaction as this one.',
          row: null,
          column: null,
          keys: [],
          dependents: [child],
        },
      ]);
    });

    it('dry-runs, then deletes parent and child together (the guide answer)', async () => {
      const dry = await remove([child, parent], true);
      expect(dry).toMatchObject({ success: true, dryRun: true, deletedCount: 2, message: 'Dry run successful. Would have deleted 2 entities' });
      expect(ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [parent] })).gdcEntities).toEqual([expect.any(Object)]);
      const done = await remove([child, parent]);
      expect(done).toMatchObject({ success: true, upstreamStatus: 200, deletedCount: 2, message: 'Successfully deleted 2 entities', errorCount: 0 });
      expect(done.entities.map((e: any) => [e.action, e.id])).toEqual([
        ['delete', child],
        ['delete', parent],
      ]);
      expect(ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [parent, child] })).gdcEntities).toEqual([null, null]);
    });

    it('deletes a childless entity alone: "Successfully deleted 1 entities"', async () => {
      const [id] = (await create({ entities: [caseOf('DEL-ALONE')] })).entities.map((e: any) => e.id);
      expect(await remove([id])).toMatchObject({ success: true, deletedCount: 1, message: 'Successfully deleted 1 entities' });
    });

    it('says which id is unknown', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const r = await remove([unknown]);
      expect(r.success).toBe(false);
      expect(r.entities[0].errors[0]).toMatchObject({ code: 'NOT_FOUND', message: `no entity has id '${unknown}' in this project`, upstreamMessage: 'Entity not found.', keys: ['id'] });
    });

    it('refuses ENCODE and an empty list before calling upstream', async () => {
      const encode = await stack.gql(DELETE, { input: { source: 'ENCODE', ids: ['x'] } });
      expect(encode.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      const empty = await stack.gql(DELETE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ids: [] } });
      expect(empty.errors?.[0].message).toMatch(/nothing to delete/);
    });
  });

  describe('documents', () => {
    it('links an aliquot to two samples with #1/#2 TSV columns', async () => {
      await create({ entities: [caseOf('LINKS-C'), sampleOf('LINKS-S1', 'LINKS-C'), sampleOf('LINKS-S2', 'LINKS-C')] });
      const tsv = ['type\tsubmitter_id\tsamples.submitter_id#1\tsamples.submitter_id#2', 'aliquot\tLINKS-A\tLINKS-S1\tLINKS-S2'].join('\n');
      const r = await create({ document: tsv });
      expect(r).toMatchObject({ success: true, createdCount: 1 });
      expect(r.entities[0]).toMatchObject({ row: 2, submitterId: 'LINKS-A', relatedCases: [{ submitterId: 'LINKS-C' }] });
      const { gdcEntities } = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [r.entities[0].id] }));
      expect(gdcEntities[0].properties.samples.map((s: any) => s.submitter_id).sort()).toEqual(['LINKS-S1', 'LINKS-S2']);
    });

    it('reads CSV (guessed from the content) and names the failing row', async () => {
      const csv = ['type,submitter_id,projects.code,disease_type,primary_site', 'case,CSV-1,INTERNAL,Blood Vessel Tumors,Base of tongue', ',,,,', 'case,CSV-2,INTERNAL,Blood Vessel Tumors,Moon'].join('\n');
      const r = await create({ document: csv });
      expect(r).toMatchObject({ success: false, upstreamStatus: 400 });
      expect(r.entities.map((e: any) => [e.row, e.valid])).toEqual([
        [2, true],
        [4, false],
      ]);
      expect(r.entities[1].errors[0].message).toMatch(/'Moon' is not one of/);
    });

    it('passes an unreadable document to GDC and its refusal back in the result', async () => {
      const r = await create({ document: '[{"type": "case", "type": "sample"}]', format: 'JSON' });
      expect(r).toMatchObject({ success: false, upstreamStatus: 400, message: 'Unable to parse json: The document contains duplicate keys: type' });
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
