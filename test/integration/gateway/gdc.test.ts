import { ok, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';
import { GDC_SANDBOX_TOKENS } from '../../../src/sandbox';
import { guideAliquot, guideCase, guideSample, guideSamplesTsv } from '../../support/gdc';

const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${SUBMISSION_RESULT} } }`;
const PATCH = `mutation Patch($input: PatchRecordInput!) { patchRecord(input: $input) { ${SUBMISSION_RESULT} } }`;
const ENTITIES = `query E($project: String!, $ids: [ID!]!) { gdcEntities(project: $project, ids: $ids) }`;

// The GDC submission guide's examples, as written there.
const guideSampleAndAliquot = [guideSample, guideAliquot];

describe('GDC through the gateway (real dictionary, sandbox over HTTP)', () => {
  let stack: Stack;
  let caseId: string;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  const create = (input: Record<string, unknown>, headers?: Record<string, string>) =>
    stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ...input } }, headers);

  it('creates the guide case with POST', async () => {
    const { createEntities: r } = ok(await create({ entities: [guideCase] }));
    expect(r).toMatchObject({ source: 'GDC', success: true, dryRun: false, createdCount: 1, errorCount: 0, upstreamStatus: 201 });
    expect(r.transactionId).toEqual(expect.any(Number));
    expect(r.entities[0]).toMatchObject({ index: 0, action: 'create', valid: true, type: 'case', submitterId: 'GDC-INTERNAL-000093' });
    caseId = r.entities[0].id;
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses the same POST again with NOT_UNIQUE, as GDC does (HTTP 400 upstream)', async () => {
    const { createEntities: r } = ok(await create({ entities: [guideCase] }));
    expect(r).toMatchObject({ success: false, createdCount: 0, errorCount: 1, upstreamStatus: 400 });
    expect(r.entities[0].errors.map((e: any) => e.type)).toContain('NOT_UNIQUE');
  });

  it('updates it with PUT (upsert), keeping the id', async () => {
    const { createEntities: r } = ok(await create({ entities: [guideCase], upsert: true }));
    expect(r).toMatchObject({ success: true, createdCount: 0, updatedCount: 1, upstreamStatus: 200 });
    expect(r.entities[0]).toMatchObject({ action: 'update', id: caseId });
  });

  it('dry-runs the sample and aliquot without writing them', async () => {
    const before = stack.sandbox.gdc!.requests.count({ method: 'POST' });
    const { createEntities: r } = ok(await create({ entities: guideSampleAndAliquot, dryRun: true }));
    expect(r).toMatchObject({ success: true, dryRun: true, upstreamStatus: 200 });
    expect(r.message).toMatch(/would have been successful/);
    expect(stack.sandbox.gdc!.requests.count({ method: 'POST' })).toBe(before + 1);
    const again = ok(await create({ entities: guideSampleAndAliquot, dryRun: true })).createEntities;
    expect(again.success).toBe(true); // nothing was written, so creating again still works
  });

  it('creates sample + aliquot in one transaction linked by submitter_id', async () => {
    const { createEntities: r } = ok(await create({ entities: guideSampleAndAliquot }));
    expect(r).toMatchObject({ success: true, createdCount: 2 });
    expect(r.entities.map((e: any) => e.type)).toEqual(['sample', 'aliquot']);
    const ids = r.entities.map((e: any) => e.id);
    const { gdcEntities } = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [...ids, caseId] }));
    expect(gdcEntities.map((e: any) => e.properties.type)).toEqual(['sample', 'aliquot', 'case']);
    expect(gdcEntities[0].properties.cases[0]).toMatchObject({ id: caseId, submitter_id: 'GDC-INTERNAL-000093' });
  });

  it('links by id as well, and rolls back the whole transaction when one entity is invalid', async () => {
    const good = { ...guideSampleAndAliquot[0], submitter_id: 'S-BY-ID', cases: { id: caseId } };
    const bad = { type: 'aliquot', submitter_id: 'A-NO-PARENT', samples: { submitter_id: 'NO-SUCH-SAMPLE' } };
    const { createEntities: r } = ok(await create({ entities: [good, bad] }));
    expect(r).toMatchObject({ success: false, createdCount: 0 });
    expect(r.entities[0].valid).toBe(true);
    expect(r.entities[1].errors.map((e: any) => e.type)).toContain('INVALID_LINK');
    const retry = ok(await create({ entities: [good] })).createEntities;
    expect(retry).toMatchObject({ success: true, createdCount: 1 }); // the first attempt wrote nothing
  });

  it('submits the guide TSV as a PUT dry run and names the rows', async () => {
    const { createEntities: r } = ok(await create({ document: guideSamplesTsv, format: 'TSV', upsert: true, dryRun: true }));
    expect(r).toMatchObject({ success: true, dryRun: true });
    expect(r.entities.map((e: any) => [e.row, e.submitterId, e.action])).toEqual([
      [2, 'GDC-INTERNAL-000093-sampleA', 'create'],
      [3, 'GDC-INTERNAL-000093-sampleB', 'create'],
    ]);
  });

  it.each([
    ['a bad enum value', { ...guideCase, submitter_id: 'C-ENUM', primary_site: 'Moon' }, 'INVALID_VALUE'],
    ['a missing required property', { type: 'case', submitter_id: 'C-REQ', projects: { code: 'INTERNAL' } }, 'MISSING_PROPERTY'],
    ['an unknown property', { ...guideCase, submitter_id: 'C-PROP', colour: 'blue' }, 'INVALID_PROPERTY'],
    ['a missing link', { ...guideSampleAndAliquot[0], submitter_id: 'S-NOLINK', cases: { submitter_id: 'NOPE' } }, 'INVALID_LINK'],
    ['an unknown type', { type: 'casse', submitter_id: 'X' }, 'INVALID_TYPE'],
  ])('rejects %s with %s', async (_what, entity, type) => {
    const { createEntities: r } = ok(await create({ entities: [entity] }));
    expect(r.success).toBe(false);
    expect(r.entities[0].errors.map((e: any) => e.type)).toContain(type);
  });

  it('rejects an aliquot linked to both a sample and an analyte (exclusive links)', async () => {
    const aliquot = {
      type: 'aliquot',
      submitter_id: 'A-BOTH',
      samples: { submitter_id: 'GDC-INTERNAL-000093-SAMPLE000093' },
      analytes: { submitter_id: 'NO-ANALYTE' },
    };
    const { createEntities: r } = ok(await create({ entities: [aliquot] }));
    expect(r.success).toBe(false);
    expect(r.entities[0].errors.map((e: any) => e.type)).toContain('INVALID_LINK');
  });

  it('patches one property of an entity', async () => {
    const { patchRecord: r } = ok(
      await stack.gql(PATCH, { input: { source: 'GDC', project: 'GDC-INTERNAL', id: caseId, patch: { primary_site: 'Bronchus and lung' } } }),
    );
    expect(r).toMatchObject({ success: true, updatedCount: 1 });
    const { gdcEntities } = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [caseId] }));
    expect(gdcEntities[0].properties).toMatchObject({ primary_site: 'Bronchus and lung', disease_type: 'Blood Vessel Tumors' });
  });

  it('loads 100 entities with one upstream request, nulls for unknown ids', async () => {
    const cases = Array.from({ length: 100 }, (_, i) => ({ ...guideCase, submitter_id: `BATCH-${i}` }));
    const { createEntities: r } = ok(await create({ entities: cases }));
    expect(r.createdCount).toBe(100);
    const ids: string[] = r.entities.map((e: any) => e.id);
    const log = stack.sandbox.gdc!.requests;
    log.reset();
    const { gdcEntities } = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids }));
    expect(gdcEntities.map((e: any) => e.properties.submitter_id)).toEqual(cases.map((c) => c.submitter_id));
    expect(log.count({ method: 'GET' })).toBe(1);

    log.reset();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const mixed = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [ids[0], unknown] })).gdcEntities;
    expect(mixed[0].properties.id).toBe(ids[0]);
    expect(mixed[1]).toBeNull();
    expect(log.count({ method: 'GET' })).toBeLessThanOrEqual(2);
  });

  it('serves the dictionary', async () => {
    const { gdcDictionary } = ok(await stack.gql(`{ gdcDictionary(type: "aliquot") }`));
    expect(gdcDictionary).toMatchObject({ id: 'aliquot', category: 'biospecimen' });
    expect(gdcDictionary.links[0]).toMatchObject({ exclusive: true, required: true });
    // Only the dictionary's node types go into a path: anything else is refused without a request.
    stack.sandbox.gdc!.requests.reset();
    const unknown = await stack.gql(`{ gdcDictionary(type: "no_such_node") }`);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', name: 'no_such_node', argument: 'type' });
    const settings = await stack.gql(`{ gdcDictionary(type: "_settings") }`);
    expect(settings.errors?.[0]).toMatchObject({ message: expect.stringMatching(/'_settings' is not a node type/), extensions: { code: 'BAD_USER_INPUT', argument: 'type' } });
    const unknownTemplate = await stack.gql(`{ gdcTemplate(types: ["case", "no_such_node"]) { fileName } }`);
    expect(unknownTemplate.errors?.[0]).toMatchObject({ message: `GDC has no template for 'no_such_node': not a type of its dictionary.`, extensions: { code: 'NOT_FOUND', names: ['no_such_node'] } });
    const settingsTemplate = await stack.gql(`{ gdcTemplate(types: ["case", "_settings"]) { fileName } }`);
    expect(settingsTemplate.errors?.[0]).toMatchObject({ message: `GDC has no template for '_settings': not a type of its dictionary`, extensions: { code: 'BAD_USER_INPUT' } });
    expect(stack.sandbox.gdc!.requests.entries.filter((e) => !e.path.endsWith('/template/case'))).toEqual([]);
  });

  it('turns a read-only token into FORBIDDEN and an unknown one into an auth error, with the upstream status', async () => {
    const denied = await create({ entities: [{ ...guideCase, submitter_id: 'RO' }] }, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
    expect(denied.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', upstream: 'GDC', upstreamStatus: 403 });
    const unknown = await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: [caseId] }, { 'x-auth-token': 'not-a-token' });
    expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(unknown.errors?.[0].extensions?.code);
    expect([401, 403]).toContain(unknown.errors?.[0].extensions?.upstreamStatus);
  });

  it('says what is wrong with the input before calling upstream', async () => {
    const noProject = await stack.gql(CREATE, { input: { source: 'GDC', entities: [guideCase] } });
    expect(noProject.errors?.[0]).toMatchObject({ message: expect.stringMatching(/project is required/), extensions: { code: 'BAD_USER_INPUT' } });
    const badProject = await create({ project: 'INTERNAL', entities: [guideCase] });
    expect(badProject.errors?.[0].message).toMatch(/PROGRAM-PROJECT/);
    const both = await create({ entities: [guideCase], document: '[]' });
    expect(both.errors?.[0].message).toMatch(/exactly one of entities, document or file/);
  });
});
