import { ENCODE_SANDBOX_KEYS } from '../../../src/sandbox';
import { ok, REAL_SCHEMAS, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';

const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${SUBMISSION_RESULT} } }`;
const PATCH = `mutation Patch($input: PatchRecordInput!) { patchRecord(input: $input) { ${SUBMISSION_RESULT} } }`;
const RECORDS = `query R($ids: [ID!]!) { encodeRecords(ids: $ids) }`;

const keyHeaders = (k: { id: string; secret: string }) => ({ 'x-dcc-api-key': k.id, 'x-dcc-secret-key': k.secret });
const ADMIN = keyHeaders(ENCODE_SANDBOX_KEYS.admin);

/** Award, lab, organism, source and biosample type: what every biosample links to. Created as admin. */
async function setupBasics(stack: Stack): Promise<{ biosampleType: string }> {
  const post = async (profile: string, entities: object[]) => {
    const r = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile, entities } }, ADMIN)).createEntities;
    if (!r.success) throw new Error(`setup ${profile}: ${JSON.stringify(r.entities.map((e: any) => e.errors))}`);
    return r.entities;
  };
  await post('award', [{ name: 'UM1HG000001', title: 'Sandbox award', project: 'ENCODE', rfa: 'ENCODE4' }]);
  await post('lab', [{ name: 'barbara-wold', title: 'Barbara Wold, Caltech', awards: ['UM1HG000001'] }]);
  await post('organism', [{ name: 'human', taxon_id: '9606', scientific_name: 'Homo sapiens' }]);
  await post('source', [{ name: 'atcc', title: 'ATCC' }]);
  const [bt] = await post('biosample_type', [{ classification: 'cell line', term_id: 'EFO:0001203', term_name: 'MCF-7' }]);
  // The sandbox submitter (the gateway's default key) submits for the new lab, granted by an admin.
  const q = `query($f: [EncodeFilter!]) { encodeSearch(type: "User", filters: $f) { records } }`;
  const { encodeSearch } = ok(await stack.gql(q, { f: [{ field: 'email', values: ['submitter@sandbox.invalid'] }] }, ADMIN));
  const grant = { source: 'ENCODE', id: encodeSearch.records[0].uuid, patch: { submits_for: ['barbara-wold'] } };
  const granted = ok(await stack.gql(PATCH, { input: grant }, ADMIN)).patchRecord;
  if (!granted.success) throw new Error(`setup submits_for: ${JSON.stringify(granted.entities[0].errors)}`);
  return { biosampleType: bt.id };
}

const biosample = (biosampleType: string, alias: string, extra: object = {}) => ({
  award: 'UM1HG000001',
  lab: 'barbara-wold',
  organism: 'human',
  source: 'atcc',
  biosample_ontology: biosampleType,
  aliases: [`barbara-wold:${alias}`],
  ...extra,
});

describe('ENCODE through the gateway (real profiles, sandbox over HTTP)', () => {
  let stack: Stack;
  let biosampleType: string;
  let first: { id: string; accession: string };

  beforeAll(async () => {
    // The setup grants the submitter a lab by patching its user record: users are reachable only so.
    stack = await startStack(REAL_SCHEMAS, { encode: { allowUsers: true } });
    ({ biosampleType } = await setupBasics(stack));
  });
  afterAll(() => stack.stop());

  const create = (profile: string, input: object, headers?: Record<string, string>) =>
    stack.gql(CREATE, { input: { source: 'ENCODE', profile, ...input } }, headers);

  it('POSTs each biosample and reports each one in input order', async () => {
    const { createEntities: r } = ok(
      await create('biosample', { entities: [biosample(biosampleType, 'bs-1'), biosample(biosampleType, 'bs-2', { passage_number: 3 })] }),
    );
    expect(r).toMatchObject({ source: 'ENCODE', success: true, createdCount: 2, errorCount: 0, upstreamStatus: 201 });
    expect(r.entities.map((e: any) => [e.index, e.action, e.type, e.aliases])).toEqual([
      [0, 'create', 'biosample', ['barbara-wold:bs-1']],
      [1, 'create', 'biosample', ['barbara-wold:bs-2']],
    ]);
    expect(r.entities[0].accession).toMatch(/^TSTBS\d{6}$/);
    expect(r.entities[0].record['@id']).toBe(`/biosamples/${r.entities[0].accession}/`);
    first = r.entities[0];
  });

  it('creates records of other real profiles: library and document', async () => {
    const lib = ok(
      await create('library', {
        entities: [{ award: 'UM1HG000001', lab: 'barbara-wold', nucleic_acid_term_name: 'DNA', biosample: first.accession, aliases: ['barbara-wold:lib-1'] }],
      }),
    ).createEntities;
    expect(lib).toMatchObject({ success: true, createdCount: 1 });
    expect(lib.entities[0].accession).toMatch(/^(ENC|TST)LB/);
    const doc = ok(
      await create('document', {
        document: JSON.stringify({ award: 'UM1HG000001', lab: 'barbara-wold', document_type: 'growth protocol', aliases: ['barbara-wold:doc-1'] }),
      }),
    ).createEntities;
    expect(doc).toMatchObject({ success: true, createdCount: 1, entities: [{ type: 'document' }] });
  });

  it('reads a record back by accession, alias, uuid and @id, and in the edit frame', async () => {
    for (const id of [first.accession, 'barbara-wold:bs-1', first.id, `/biosamples/${first.accession}/`]) {
      const { encodeRecord } = ok(await stack.gql(`query($id: ID!) { encodeRecord(id: $id) }`, { id }));
      expect(encodeRecord).toMatchObject({ uuid: first.id, accession: first.accession });
    }
    const { encodeRecord: edit } = ok(await stack.gql(`query($id: ID!) { encodeRecord(id: $id, frame: EDIT) }`, { id: first.accession }));
    expect(edit['@id']).toBeUndefined();
    expect(edit.aliases).toEqual(['barbara-wold:bs-1']);
    const missing = ok(await stack.gql(`{ encodeRecord(id: "TSTBS999ZZZ") }`));
    expect(missing.encodeRecord).toBeNull();
  });

  it('maps 422 validation errors to typed errors with their JSON path', async () => {
    const bad = { ...biosample(biosampleType, 'bad-1', { passage_number: 'five' }), lab: undefined };
    const { createEntities: r } = ok(await create('biosample', { entities: [bad, biosample(biosampleType, 'bad-2', { source: 'no-such-source' })] }));
    expect(r).toMatchObject({ success: false, createdCount: 0, errorCount: 2, upstreamStatus: 422 });
    const types0 = r.entities[0].errors.map((e: any) => [e.type, e.keys[0]]);
    expect(types0).toEqual(expect.arrayContaining([['MISSING_PROPERTY', 'lab'], ['INVALID_VALUE', 'passage_number']]));
    expect(r.entities[0].errors.find((e: any) => e.keys[0] === 'passage_number').location).toBe('passage_number');
    expect(r.entities[1].errors).toEqual([expect.objectContaining({ type: 'INVALID_LINK', keys: ['source'] })]);
  });

  it('answers a 409 on an existing alias with exists (not an error), and PATCHes it with upsert', async () => {
    const { createEntities: r } = ok(await create('biosample', { entities: [biosample(biosampleType, 'bs-1')] }));
    expect(r).toMatchObject({ success: true, createdCount: 0, errorCount: 0, upstreamStatus: 409 });
    expect(r.entities[0]).toMatchObject({ action: 'exists', valid: true, id: first.id, accession: first.accession, errors: [] });
    expect(r.entities[0].warnings[0]).toMatch(/barbara-wold:bs-1 already exists/);
    const up = ok(await create('biosample', { upsert: true, entities: [biosample(biosampleType, 'bs-1', { description: 'upserted' })] })).createEntities;
    expect(up).toMatchObject({ success: true, updatedCount: 1, entities: [{ action: 'update', id: first.id }] });
    expect(up.entities[0].record.description).toBe('upserted');
  });

  it('PATCHes one property', async () => {
    const { patchRecord: r } = ok(
      await stack.gql(PATCH, { input: { source: 'ENCODE', id: 'barbara-wold:bs-1', patch: { description: 'patched through the gateway' } } }),
    );
    expect(r).toMatchObject({ success: true, updatedCount: 1, entities: [{ action: 'update', id: first.id }] });
    const { encodeRecord } = ok(await stack.gql(`query($id: ID!) { encodeRecord(id: $id) }`, { id: first.accession }));
    expect(encodeRecord.description).toBe('patched through the gateway');
    const missing = ok(await stack.gql(PATCH, { input: { source: 'ENCODE', id: 'barbara-wold:nope', patch: { description: 'x' } } })).patchRecord;
    expect(missing).toMatchObject({ success: false, errorCount: 1, updatedCount: 0 });
    expect(missing.entities[0].errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', keys: ['record_id'] })]);
  });

  it('dry-runs a create and a patch without writing, and still finds errors', async () => {
    const log = stack.sandbox.encode!.requests;
    log.reset();
    const { createEntities: r } = ok(
      await create('biosample', {
        dryRun: true,
        entities: [biosample(biosampleType, 'dry-1'), biosample(biosampleType, 'dry-2', { organism: 'no-such-organism', colour: 'red' })],
      }),
    );
    expect(r.entities[0].errors).toEqual([]);
    expect(r).toMatchObject({ dryRun: true, success: false, createdCount: 0, errorCount: 1 });
    expect(r.entities[0]).toMatchObject({ valid: true, action: 'create' });
    expect(r.entities[1].errors.map((e: any) => e.type).sort()).toEqual(['INVALID_LINK', 'INVALID_PROPERTY']);
    const { patchRecord: p } = ok(
      await stack.gql(PATCH, { input: { source: 'ENCODE', id: first.accession, dryRun: true, patch: { passage_number: 'x' } } }),
    );
    expect(p).toMatchObject({ dryRun: true, success: false });
    expect(log.count({ method: 'POST' }) + log.count({ method: 'PATCH' }) + log.count({ method: 'PUT' })).toBe(0);
  });

  it('searches with OR-ed values and answers an empty search with total 0', async () => {
    const q = `query($f: [EncodeFilter!]) { encodeSearch(type: "Biosample", filters: $f, limit: 10) { total records } }`;
    const { encodeSearch } = ok(await stack.gql(q, { f: [{ field: 'aliases', values: ['barbara-wold:bs-1', 'barbara-wold:bs-2'] }] }));
    expect(encodeSearch.total).toBe(2);
    expect(encodeSearch.records.map((r: any) => r.aliases[0]).sort()).toEqual(['barbara-wold:bs-1', 'barbara-wold:bs-2']);
    const none = ok(await stack.gql(q, { f: [{ field: 'aliases', values: ['barbara-wold:none'] }] }));
    expect(none.encodeSearch).toEqual({ total: 0, records: [] });
  });

  it('serves profiles', async () => {
    const { encodeProfile } = ok(await stack.gql(`{ encodeProfile(name: "biosample") }`));
    expect(encodeProfile.required).toEqual(expect.arrayContaining(['award', 'lab', 'source', 'organism', 'biosample_ontology']));
    expect(encodeProfile.properties.aliases).toBeDefined(); // mixins resolved
    const none = await stack.gql(`{ encodeProfile(name: "no_such_profile") }`);
    expect(none.data.encodeProfile).toBeNull();
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', name: 'no_such_profile' });
  });

  it('loads 100 records with one upstream search request', async () => {
    const entities = Array.from({ length: 100 }, (_, i) => biosample(biosampleType, `batch-${i}`));
    const { createEntities: r } = ok(await create('biosample', { entities }));
    expect(r.createdCount).toBe(100);
    const ids: string[] = r.entities.map((e: any) => e.accession);
    const log = stack.sandbox.encode!.requests;
    log.reset();
    const { encodeRecords } = ok(await stack.gql(RECORDS, { ids }));
    expect(encodeRecords.map((x: any) => x.accession)).toEqual(ids);
    expect(log.entries.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /search/']);
    // That search's answer (100 hits, 100 filters) is over the 128 KiB above which it is parsed in
    // pieces: the records are the portal's own, field for field.
    const { id, secret } = ENCODE_SANDBOX_KEYS.submitter;
    const direct = new URL('/search/', stack.sandbox.encode!.url);
    for (const [k, v] of [['type', 'Item'], ...ids.map((a) => ['accession', a]), ['limit', 'all'], ['frame', 'object'], ['format', 'json']]) direct.searchParams.append(k, v);
    const answer = await fetch(direct, { headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` } }).then((res) => res.text());
    expect(answer.length).toBeGreaterThan(128 * 1024);
    const byAccession = new Map((JSON.parse(answer) as { '@graph': { accession: string }[] })['@graph'].map((r) => [r.accession, r]));
    expect(encodeRecords).toEqual(ids.map((a) => byAccession.get(a)));
  });

  it('turns a read-only key into FORBIDDEN and a wrong secret into UNAUTHENTICATED', async () => {
    const viewer = await create('biosample', { entities: [biosample(biosampleType, 'viewer-1')] }, keyHeaders(ENCODE_SANDBOX_KEYS.viewer));
    expect(viewer.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', upstream: 'ENCODE', upstreamStatus: 403 });
    const wrong = await create(
      'biosample',
      { entities: [biosample(biosampleType, 'wrong-1')] },
      keyHeaders({ id: ENCODE_SANDBOX_KEYS.submitter.id, secret: 'not-the-secret' }),
    );
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstreamStatus: 401 });
  });
});

describe('ENCODE search index lag', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ...REAL_SCHEMAS, encodeSearchIndex: 'manual' }, { encode: { allowUsers: true } });
  });
  afterAll(() => stack.stop());

  it('reads records the index has not caught up with from the database, one by one', async () => {
    const { biosampleType } = await setupBasics(stack);
    const entities = [1, 2, 3].map((i) => biosample(biosampleType, `lag-${i}`));
    const { createEntities: r } = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities } }));
    const ids: string[] = r.entities.map((e: any) => e.accession);
    const log = stack.sandbox.encode!.requests;

    log.reset();
    const lagging = ok(await stack.gql(RECORDS, { ids })).encodeRecords;
    expect(lagging.map((x: any) => x.accession)).toEqual(ids);
    expect(log.count({ pathPrefix: '/search/' })).toBe(1);
    // The portal may 301 an accession path to the record's @id; count the answered reads.
    const gets = log.entries.filter((e) => !e.path.startsWith('/search/'));
    expect(gets.filter((e) => e.status === 200)).toHaveLength(3);
    for (const g of gets) expect(g.query).toContain('datastore=database');

    stack.sandbox.encode!.emulator.reindex();
    log.reset();
    ok(await stack.gql(RECORDS, { ids }));
    expect(log.entries.map((e) => e.path)).toEqual(['/search/']);
  });
});
