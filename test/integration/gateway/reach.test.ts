import { ENCODE_SANDBOX_KEYS } from '../../../src/sandbox';
import { ok, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';

const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${SUBMISSION_RESULT} } }`;
const PATCH = `mutation Patch($input: PatchRecordInput!) { patchRecord(input: $input) { ${SUBMISSION_RESULT} } }`;
const PATCHES = `mutation Patches($input: PatchRecordsInput!) { patchRecords(input: $input) { ${SUBMISSION_RESULT} } }`;
const RECORD = 'query R($id: ID!) { encodeRecord(id: $id) }';
const ADMIN = { 'x-dcc-api-key': ENCODE_SANDBOX_KEYS.admin.id, 'x-dcc-secret-key': ENCODE_SANDBOX_KEYS.admin.secret };

/** Paths the identifier grammar allows that are not records (issue 18's reach beyond records). */
const NOT_RECORDS: [string, RegExp][] = [
  ['/users/x/', /users are not submission records/],
  ['/access-keys/SBXSUBMIT/', /access keys are credentials/],
  ['/_sandbox/faults/', /portal's own machinery/],
  ['users', /a bare key names a record only inside its collection/],
  ['/search/x/', /serves no profile whose collection is 'search'/],
  ['/labs/_x/', /a view of the portal/],
];

describe('only ENCODE records are reachable (sandbox over HTTP)', () => {
  let stack: Stack;
  const requests = () => stack.sandbox.encode!.requests;

  beforeAll(async () => {
    stack = await startStack({});
    // The profiles are read once per process (at start-up by the typed graph): after that a refusal sends nothing.
    ok(await stack.gql(RECORD, { id: 'sandbox-lab:none' }));
  });
  afterAll(() => stack.stop());
  beforeEach(() => requests().reset());

  it.each(NOT_RECORDS)('encodeRecord(id: %j) is refused with BAD_USER_INPUT and no upstream request', async (id, why) => {
    const res = await stack.gql(RECORD, { id });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect(res.errors![0].message).toContain(`'${id}'`);
    expect(res.errors![0].message).toMatch(why);
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 0, GDC: 0 });
    expect(requests().entries).toEqual([]);
  });

  it.each(NOT_RECORDS)('patchRecord(id: %j) is refused the same way, even as an admin', async (id, why) => {
    const res = await stack.gql(PATCH, { input: { source: 'ENCODE', id, patch: { description: 'x' } } }, ADMIN);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(res.errors![0].message).toMatch(why);
    expect(requests().entries).toEqual([]);
  });

  it('refuses a patchRecords row naming what is not a record, in that row, and sends nothing for it', async () => {
    const document = 'record_id\tdescription\n/access-keys/SBXSUBMIT/\tx\n/users/x/\ty\n';
    const r = ok(await stack.gql(PATCHES, { input: { source: 'ENCODE', format: "TSV", document } }, ADMIN)).patchRecords;
    expect(r.success).toBe(false);
    expect(r.entities.map((e: any) => [e.row, e.errors.map((x: any) => x.type)])).toEqual([[2, ['INVALID_VALUE']], [3, ['INVALID_VALUE']]]);
    expect(r.entities[0].errors[0].message).toMatch(/^Row 2, column 'record_id': .*access keys are credentials/);
    expect(requests().entries.filter((e) => /users|access-keys/.test(e.path) || e.method !== 'GET')).toEqual([]);
  });

  it('refuses links to what is not a record in createEntities rows, before any write', async () => {
    const entities = [
      { award: 'UM1HG000000', lab: '/users/x/', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:reach-1'] },
      { award: 'UM1HG000000', lab: 'sandbox-lab', organism: '/_sandbox/faults/', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:reach-2'] },
    ];
    for (const dryRun of [true, false]) {
      requests().reset();
      const r = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'biosample', dryRun, entities } })).createEntities;
      expect(r.createdCount).toBe(0);
      const linkErrors = r.entities.map((e: any) => e.errors.filter((x: any) => x.type === 'INVALID_LINK').map((x: any) => [x.keys, x.message]));
      expect(linkErrors[0]).toEqual([[['lab'], expect.stringMatching(/link '\/users\/x\/' is not allowed: users are not submission records/)]]);
      expect(linkErrors[1]).toEqual([[['organism'], expect.stringMatching(/link '\/_sandbox\/faults\/' is not allowed/)]]);
      expect(requests().entries.filter((e) => e.method !== 'GET' || /users|_sandbox/.test(e.path))).toEqual([]);
    }
  });

  it('refuses to register or search users and access keys', async () => {
    const create = await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'user', entities: [{ email: 'a@b.c' }] } }, ADMIN);
    expect(create.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(create.errors![0].message).toMatch(/profile 'user' is not valid: users are not submission records/);
    const search = await stack.gql('{ encodeSearch(type: "User") { total records } }', {}, ADMIN);
    expect(search.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(requests().entries).toEqual([]);
  });

  it('does not return a user that a uuid names', async () => {
    const auth = Buffer.from(`${ENCODE_SANDBOX_KEYS.admin.id}:${ENCODE_SANDBOX_KEYS.admin.secret}`).toString('base64');
    const users = (await (await fetch(`${stack.sandbox.encode!.url}/users/?format=json`, { headers: { authorization: `Basic ${auth}` } })).json()) as { '@graph': { uuid: string }[] };
    const uuid = users['@graph'][0].uuid;
    const res = await stack.gql(RECORD, { id: uuid }, ADMIN);
    expect(res.errors).toBeUndefined();
    expect(res.data.encodeRecord).toBeNull();
    const items = ok(await stack.gql('query($f: [EncodeFilter!]) { encodeSearch(type: "Item", filters: $f) { total records } }', { f: [{ field: 'uuid', values: [uuid] }] }, ADMIN));
    expect(items.encodeSearch).toEqual({ total: 0, records: [] });
  });

  it('reaches users with ENCODE_ALLOW_USERS=true, access keys never', async () => {
    const open = await startStack({}, { encode: { allowUsers: true } });
    try {
      const users = ok(await open.gql('{ encodeSearch(type: "User") { total records } }', {}, ADMIN));
      expect(users.encodeSearch.total).toBeGreaterThan(0);
      const key = await open.gql(RECORD, { id: '/access-keys/SBXSUBMIT/' }, ADMIN);
      expect(key.errors?.[0]?.message).toMatch(/access keys are credentials/);
    } finally {
      await open.stop();
    }
  });

  it('never returns the upload_credentials of a file, from any read or write answer', async () => {
    const exp = { award: 'UM1HG000000', lab: 'sandbox-lab', assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:reach-exp'] };
    ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'experiment', entities: [exp] } }));
    const file = { award: 'UM1HG000000', lab: 'sandbox-lab', dataset: 'sandbox-lab:reach-exp', file_format: 'fastq', output_type: 'reads', aliases: ['sandbox-lab:reach-reads'], md5sum: '5ca4ec0811c7f3aee026ebf25df2fb7f', file_size: 31 };
    const created = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'file', entities: [file] } })).createEntities;
    expect(created.success).toBe(true);
    // The portal does hand them to this caller (the file is uploading and the submitter may edit it)...
    const auth = Buffer.from(`${ENCODE_SANDBOX_KEYS.submitter.id}:${ENCODE_SANDBOX_KEYS.submitter.secret}`).toString('base64');
    const direct = (await (await fetch(`${stack.sandbox.encode!.url}/sandbox-lab:reach-reads/?frame=object&format=json`, { headers: { authorization: `Basic ${auth}` }, redirect: 'follow' })).json()) as Record<string, any>;
    expect(direct.upload_credentials?.secret_key).toEqual(expect.any(String));
    // ...the gateway to nobody.
    const answers = await Promise.all([
      stack.gql(RECORD, { id: 'sandbox-lab:reach-reads' }),
      stack.gql('{ encodeRecord(id: "sandbox-lab:reach-reads", frame: EDIT) }'),
      stack.gql('{ encodeRecords(ids: ["sandbox-lab:reach-reads", "sandbox-lab:reach-exp"]) }'),
      stack.gql('{ encodeSearch(type: "File") { records } }'),
      stack.gql('{ encodeRecord(id: "sandbox-lab:reach-exp", frame: EMBEDDED) }'),
      stack.gql('{ encode { files { raw } file(id: "sandbox-lab:reach-reads") { raw } } }'),
      stack.gql(PATCH, { input: { source: 'ENCODE', id: 'sandbox-lab:reach-reads', patch: { notes: 'checked' } } }),
    ]);
    const text = JSON.stringify([created, ...answers]);
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    expect(text).toContain('reach-reads');
    expect(text).not.toMatch(/upload_credentials|secret_key|session_token/);
    expect(text).not.toContain(direct.upload_credentials.secret_key);
  });
});
