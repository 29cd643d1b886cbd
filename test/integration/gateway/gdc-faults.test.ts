import { ok, REAL_SCHEMAS, startStack, type Stack } from '../../support/stack';
import { COMMIT, CREATE, DELETE, caseOf, sampleOf } from '../../support/gdc';

const GRAPHQL = `query Q($query: String!, $variables: JSON) { gdcGraphql(query: $query, variables: $variables) }`;
const INTERNAL = '^/v0/submission/GDC/INTERNAL$';

/**
 * Lost answers (issue 7 §5, GDC): after a reset, a time-out or a 5xx, the gateway looks the
 * entities up by submitter_id before it reports, and a re-run finishes the job without duplicates.
 */
describe('GDC writes whose answer is lost', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Long enough for a loaded machine, short enough for the hung-upstream test.
    stack = await startStack(REAL_SCHEMAS, { upstreamTimeoutMs: 4000 });
  });
  afterAll(() => stack.stop());
  afterEach(() => stack.sandbox.gdc!.emulator.faults.clear());

  const faults = () => stack.sandbox.gdc!.emulator.faults;
  const create = async (input: Record<string, unknown>) =>
    ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ...input } })).createEntities;
  /** How many cases GDC holds with these submitter_ids: a duplicate would show as more than one each. */
  const countOf = async (submitterIds: string[]) =>
    ok(await stack.gql(GRAPHQL, { query: 'query C($s: [String]) { _case_count(project_id: "GDC-INTERNAL", submitter_id: $s) }', variables: { s: submitterIds } })).gdcGraphql
      ._case_count;

  it('commit then drop: found in the log, confirmed by submitter_id; re-runs create nothing twice', async () => {
    faults().set([{ method: 'POST', path: INTERNAL, dropResponse: true, times: 1 }]);
    const r = await create({ entities: [caseOf('LOST-1'), caseOf('LOST-2')] });
    expect(r).toMatchObject({ success: true, createdCount: 2, errorCount: 0, upstreamStatus: 201, transactionId: expect.any(Number) });
    expect(r.message).toBe(`GDC's answer was lost (UND_ERR_SOCKET: other side closed); transaction ${r.transactionId} in its log answered: Transaction successful.`);
    for (const e of r.entities) {
      expect(e).toMatchObject({ action: 'create', valid: true, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(e.warnings[0]).toMatch(new RegExp(`answer to POST GDC-INTERNAL was lost .*; found in GDC's transaction log as transaction ${r.transactionId} \\(SUCCEEDED\\); confirmed by submitter_id$`));
    }
    expect(faults().list()[0].applied).toBe(1);
    const again = await create({ entities: [caseOf('LOST-1'), caseOf('LOST-2')] });
    expect(again.success).toBe(false);
    expect(again.entities.map((e: any) => e.errors[0].type)).toEqual(['NOT_UNIQUE', 'NOT_UNIQUE']);
    const upsert = await create({ entities: [caseOf('LOST-1'), caseOf('LOST-2')], upsert: true });
    expect(upsert).toMatchObject({ success: true, updatedCount: 2 });
    expect(upsert.entities.map((e: any) => e.id)).toEqual(r.entities.map((e: any) => e.id));
    expect(await countOf(['LOST-1', 'LOST-2'])).toBe(2);
  });

  it('a 503 before anything was written: "unknown" with what was checked; the re-run creates them once', async () => {
    faults().set([{ method: 'POST', path: INTERNAL, errorRate: 1, status: 503, times: 1 }]);
    const r = await create({ document: 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\ncase\tLOST-503\tINTERNAL\tBlood Vessel Tumors\tBase of tongue\n' });
    expect(r).toMatchObject({ success: false, upstreamStatus: 503, createdCount: 0 });
    expect(r.message).toMatch(/^GDC's answer was lost \(HTTP 503: Injected fault: HTTP 503\) and the outcome is unknown: the entity was not found written/);
    expect(r.entities).toEqual([expect.objectContaining({ index: 0, row: 2, action: 'unknown', submitterId: 'LOST-503', type: 'case' })]);
    expect(r.entities[0].warnings[0]).toMatch(/re-run with upsert: true/);
    expect(await countOf(['LOST-503'])).toBe(0);
    expect(await create({ entities: [caseOf('LOST-503')] })).toMatchObject({ success: true, createdCount: 1 });
    expect(await countOf(['LOST-503'])).toBe(1);
  });

  it('a hung upstream: the idle time-out, then "unknown"', async () => {
    faults().set([{ method: 'PUT', path: INTERNAL, hang: true, times: 1 }]);
    const t = Date.now();
    const r = await create({ entities: [caseOf('LOST-HANG')], upsert: true });
    expect(Date.now() - t).toBeGreaterThanOrEqual(3900);
    expect(r).toMatchObject({ success: false, entities: [{ action: 'unknown', submitterId: 'LOST-HANG' }] });
    expect(r.message).toMatch(/[Tt]imeout/);
  });

  it('a refused POST whose answer is lost: GDC’s refusal, from its log', async () => {
    await create({ entities: [caseOf('LOST-OLD')] });
    faults().set([{ method: 'POST', path: INTERNAL, dropResponse: true, times: 1 }]);
    const r = await create({ entities: [caseOf('LOST-OLD'), caseOf('LOST-NEW')] });
    expect(r).toMatchObject({ success: false, createdCount: 0, upstreamStatus: 400 });
    expect(r.message).toMatch(/; transaction \d+ in its log answered: Transaction aborted due to 1 invalid entity\.$/);
    expect(r.entities[0].errors[0].type).toBe('NOT_UNIQUE');
    expect(r.entities.map((e: any) => e.action)).toEqual([null, 'create']);
    expect(await countOf(['LOST-NEW'])).toBe(0);
  });

  it('without the log, by submitter_id and time: an entity that existed before a POST proves nothing was written', async () => {
    await create({ entities: [caseOf('LOST-OLD2')] });
    await new Promise((r) => setTimeout(r, 2000)); // older than the look-up's clock slack
    faults().set([
      { method: 'POST', path: INTERNAL, dropResponse: true, times: 1 },
      { method: 'POST', path: '^/v0/submission/graphql$', errorRate: 1, status: 500, times: 1 },
    ]);
    const r = await create({ entities: [caseOf('LOST-OLD2'), caseOf('LOST-NEW2')] });
    expect(r).toMatchObject({ success: false, createdCount: 0 });
    expect(r.message).toMatch(/some entities existed before this POST, so GDC refused it and wrote nothing/);
    expect(r.entities.map((e: any) => e.action)).toEqual([null, null]);
    expect(await countOf(['LOST-NEW2'])).toBe(0);
  });

  it('without the log, by submitter_id and time: entities created since the request was sent prove it landed', async () => {
    // GDC's Date header counts whole seconds: a write that takes over a second is told apart for certain.
    faults().set([
      { method: 'POST', path: INTERNAL, latencyMs: 1500, dropResponse: true, times: 1 },
      { method: 'POST', path: '^/v0/submission/graphql$', errorRate: 1, status: 500, times: 1 },
    ]);
    const r = await create({ entities: [caseOf('LOST-T1')] });
    expect(r).toMatchObject({ success: true, createdCount: 1, transactionId: null });
    expect(r.message).toMatch(/the entities were found afterwards, written by this request: the transaction went through\.$/);
    expect(r.entities[0].warnings[0]).toMatch(/; found afterwards by submitter_id, created at /);
  }, 10_000);

  it('without the log, by submitter_id and time: an entity created within a second of the request is not claimed either way', async () => {
    faults().set([
      { method: 'POST', path: INTERNAL, dropResponse: true, times: 1 },
      { method: 'POST', path: '^/v0/submission/graphql$', errorRate: 1, status: 500, times: 1 },
    ]);
    const r = await create({ entities: [caseOf('LOST-T2')] });
    expect(r).toMatchObject({ success: false, entities: [{ action: 'unknown', submitterId: 'LOST-T2' }] });
    expect(r.message).toMatch(/created within a second of the request, too close to tell whether by it/);
    expect(await countOf(['LOST-T2'])).toBe(1);
  });

  it('chunks: a lost answer in the middle is confirmed and the rest is sent', async () => {
    faults().set([{ method: 'POST', path: INTERNAL, dropResponse: true, times: 1 }]);
    // The fault takes the first chunk's answer (the cases); the samples then link to them.
    const r = await create({ entities: [sampleOf('CH-LOST-S', 'CH-LOST-C1'), caseOf('CH-LOST-C1'), caseOf('CH-LOST-C2')], chunkSize: 2 });
    expect(r).toMatchObject({ success: true, createdCount: 3 });
    expect(r.chunks.map((c: any) => c.success)).toEqual([true, true]);
    expect(r.chunks[0].message).toMatch(/^GDC's answer was lost .*; transaction \d+ in its log answered: Transaction successful\.$/);
    expect(await countOf(['CH-LOST-C1', 'CH-LOST-C2'])).toBe(2);
  });

  it('commit then drop: asked again, GDC names the transaction that committed it', async () => {
    const dry = await create({ entities: [caseOf('LOST-COMMIT')], dryRun: true });
    faults().set([{ method: 'POST', path: '/transactions/\\d+/commit$', dropResponse: true, times: 1 }]);
    const r = ok(await stack.gql(COMMIT, { input: { project: 'GDC-INTERNAL', transactionId: dry.transactionId } })).commitTransaction;
    expect(r).toMatchObject({ success: true, transactionId: dry.transactionId + 1 });
    expect(r.message).toMatch(new RegExp(`asked again, GDC says transaction ${dry.transactionId} was committed by transaction ${dry.transactionId + 1}`));
    expect(await countOf(['LOST-COMMIT'])).toBe(1);
  });

  it('delete then drop: gone afterwards, so deleted', async () => {
    const [id] = (await create({ entities: [caseOf('LOST-DEL')] })).entities.map((e: any) => e.id);
    faults().set([{ method: 'DELETE', path: '/entities/', dropResponse: true, times: 1 }]);
    const r = ok(await stack.gql(DELETE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ids: [id] } })).deleteEntities;
    expect(r).toMatchObject({ success: true, deletedCount: 1, entities: [{ action: 'delete', id }] });
  });

  it('a dry run whose answer is lost is an error to run again (it wrote nothing)', async () => {
    faults().set([{ method: 'POST', path: '_dry_run$', reset: true, times: 1 }]);
    const res = await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [caseOf('LOST-DRY')], dryRun: true } });
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/A dry run writes nothing; run it again\.$/), extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });
});
