import { GDC_SANDBOX_TOKENS } from '../../../../src/sandbox/gdc';
import { caseDoc, GdcGraphqlFixture, readGroupDoc, sampleDoc, unalignedReadsDoc } from './fixture';

const SCOPED = 'gdc-alch-reader-token';

describe('submission GraphQL endpoint: errors, authorization, gdc-client (real dictionary)', () => {
  let gdc: GdcGraphqlFixture;
  let fileId: string;

  beforeAll(async () => {
    gdc = await GdcGraphqlFixture.start({
      tokens: {
        [GDC_SANDBOX_TOKENS.submitter]: { name: 'sandbox-submitter', roles: 'all' },
        [GDC_SANDBOX_TOKENS.readonly]: { name: 'sandbox-readonly', roles: 'read' },
        [SCOPED]: { name: 'alch-reader', roles: 'read', projects: ['TCGA-ALCH'] },
      },
    });
    const upload = await gdc.submit('GDC-INTERNAL', [
      caseDoc('INTERNAL', 'GC-1'),
      sampleDoc('GC-1-S', 'GC-1'),
      { type: 'aliquot', submitter_id: 'GC-1-AL', samples: { submitter_id: 'GC-1-S' } },
      readGroupDoc('GC-1-RG', 'GC-1-AL'),
      unalignedReadsDoc('GC-1-F', 'reads_1.fastq', 'GC-1-RG'),
    ]);
    fileId = upload.entities[4].id;
    await gdc.submit('TCGA-ALCH', [caseDoc('ALCH', 'ALCH-1'), sampleDoc('ALCH-1-S', 'ALCH-1')]);
  });
  afterAll(() => gdc.stop());

  describe('the metadata lookup gdc-client makes before an upload', () => {
    // gdc_client/upload/client.py: 'query Files { %s (id: "%s") { %s } }', first for the type, then the fields.
    it('node(id){type}, then <type>(id){project_id file_name}: 200 and no errors key', async () => {
      const first = await gdc.call('POST', '/v0/submission/graphql', { query: `query Files { node (id: "${fileId}") { type } }` });
      expect(first).toEqual({ status: 200, json: { data: { node: [{ type: 'submitted_unaligned_reads' }] } } });
      const second = await gdc.call('POST', '/v0/submission/graphql', {
        query: `query Files { submitted_unaligned_reads (id: "${fileId}") { project_id file_name } }`,
      });
      expect(second).toEqual({ status: 200, json: { data: { submitted_unaligned_reads: [{ file_name: 'reads_1.fastq', project_id: 'GDC-INTERNAL' }] } } });
    });

    it('an unknown id is an empty list (the client says "File with id … not found")', async () => {
      const reply = await gdc.call('POST', '/v0/submission/graphql', { query: 'query Files { node (id: "00000000-0000-4000-8000-000000000000") { type } }' });
      expect(reply).toEqual({ status: 200, json: { data: { node: [] } } });
    });

    it('a failing lookup has errors as strings the client can join', async () => {
      const reply = await gdc.call('POST', '/v0/submission/graphql', { query: `query Files { not_a_type (id: "${fileId}") { project_id file_name } }` });
      expect(reply.status).toBe(400);
      expect(reply.json.errors.every((e: unknown) => typeof e === 'string')).toBe(true);
      expect(reply.json).toEqual({ data: null, errors: ['Cannot query field "not_a_type" on type "Root". Did you mean "data_type" or "_node_type"?'] });
    });
  });

  describe('error answers', () => {
    it('a syntax error: 400, data null, the message as a string', async () => {
      const reply = await gdc.gql('{ case { id }');
      expect(reply).toEqual({ status: 400, json: { data: null, errors: ['Syntax Error: Expected Name, found <EOF>.'] } });
    });

    it('a resolver error keeps the data it has', async () => {
      const reply = await gdc.gql('{ _case_count case(order_by_asc: "nope") { id } }');
      expect(reply).toEqual({ status: 400, json: { data: { _case_count: 2, case: null }, errors: ['Cannot order by nope on case'] } });
    });

    it('bad request bodies and variables', async () => {
      expect(await gdc.call('POST', '/v0/submission/graphql', '{"query": "{ _case_count }", "query": "{ x }"}')).toEqual({
        status: 400,
        json: { data: null, errors: ['Unable to parse json: The document contains duplicate keys: query'] },
      });
      expect(await gdc.call('POST', '/v0/submission/graphql', 'query { x }')).toMatchObject({ status: 400, json: { data: null, errors: [expect.stringMatching(/^Unable to parse json: /)] } });
      expect(await gdc.call('POST', '/v0/submission/graphql', '[]')).toEqual({ status: 400, json: { data: null, errors: ['JSON parsed from request is an invalid type: list'] } });
      expect(await gdc.call('POST', '/v0/submission/graphql', { variables: {} })).toEqual({ status: 400, json: { data: null, errors: ['Must provide query string.'] } });
      const badVariables = await gdc.call('POST', '/v0/submission/graphql', { query: '{ _case_count }', variables: '{"p": ' });
      expect(badVariables.status).toBe(400);
      expect(badVariables.json.errors[0]).toBe('Unable to parse variables');
      expect(badVariables.json.errors).toHaveLength(2);
      const wrongVariable = await gdc.call('POST', '/v0/submission/graphql', { query: 'query($n: Int) { case(first: $n) { id } }', variables: { n: 'ten' } });
      expect(wrongVariable).toEqual({ status: 400, json: { data: null, errors: ['Variable "$n" got invalid value "ten"; Int cannot represent non-integer value: "ten"'] } });
    });

    it('only POST: other methods are 405 with a JSON message', async () => {
      const reply = await gdc.call('GET', '/v0/submission/graphql');
      expect(reply).toEqual({ status: 405, json: { message: 'The method is not allowed for the requested URL.' } });
    });
  });

  describe('authorization', () => {
    it('no token or an unknown one: 403 {"data": {}, "errors": ["Unauthorized query."]}', async () => {
      const none = await gdc.call('POST', '/v0/submission/graphql', { query: '{ _case_count }' }, { 'x-auth-token': '' });
      expect(none).toEqual({ status: 403, json: { data: {}, errors: ['Unauthorized query.'] } });
      const unknown = await gdc.gql('{ _case_count }', undefined, { 'x-auth-token': 'not-a-token' });
      expect(unknown).toEqual({ status: 403, json: { data: {}, errors: ['Unauthorized query.'] } });
    });

    it('a read token may query', async () => {
      const reply = await gdc.gql('{ _case_count }', undefined, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
      expect(reply).toEqual({ status: 200, json: { data: { _case_count: 2 } } });
    });

    it('a token scoped to one project sees only that project: nodes, links, node, counts and transactions', async () => {
      const asScoped = { 'x-auth-token': SCOPED };
      const reply = await gdc.gql(
        `{ case { submitter_id } _case_count node(first: 0) { submitter_id } file: node(id: "${fileId}") { id }
           project(first: 0) { project_id } program { name } transaction_log { project_id } _transaction_log_count }`,
        undefined,
        asScoped,
      );
      expect(reply.status).toBe(200);
      expect(reply.json.data).toEqual({
        _case_count: 1,
        _transaction_log_count: 1,
        case: [{ submitter_id: 'ALCH-1' }],
        file: [],
        node: [{ submitter_id: 'ALCH-1' }, { submitter_id: 'ALCH-1-S' }],
        program: [{ name: 'GDC' }, { name: 'TCGA' }, { name: 'QA' }],
        project: [{ project_id: 'TCGA-ALCH' }],
        transaction_log: [{ project_id: 'TCGA-ALCH' }],
      });
      // The same token is refused by the REST endpoints of another project, with sheepdog's wording.
      const rest = await gdc.call('GET', `/v0/submission/GDC/INTERNAL/entities/${fileId}`, undefined, asScoped);
      expect(rest).toEqual({ status: 403, json: { message: "You don't have access to this resource: you don't have read role in project GDC-INTERNAL" } });
    });
  });
});

describe('submission GraphQL on the built-in starter dictionary', () => {
  let gdc: GdcGraphqlFixture;
  beforeAll(async () => {
    gdc = await GdcGraphqlFixture.start({ dictionary: undefined });
  });
  afterAll(() => gdc.stop());

  it('generates its schema from the 16 starter types and answers over them', async () => {
    const upload = await gdc.submit('TCGA-LUAD', [caseDoc('LUAD', 'ST-1'), sampleDoc('ST-1-S', 'ST-1'), { type: 'aliquot', submitter_id: 'ST-1-AL', samples: { submitter_id: 'ST-1-S' } }]);
    expect(upload.created_entity_count).toBe(3);
    const data = await gdc.data('{ case { submitter_id samples { aliquots { submitter_id } } } _aliquot_count aliquot(with_path_to: {type: "case"}) { submitter_id } }');
    expect(data).toEqual({ _aliquot_count: 1, aliquot: [{ submitter_id: 'ST-1-AL' }], case: [{ samples: [{ aliquots: [{ submitter_id: 'ST-1-AL' }] }], submitter_id: 'ST-1' }] });
    const root = (await gdc.data('{ __schema { queryType { fields { name } } } }')).__schema.queryType.fields;
    expect(root).toHaveLength(16 * 2 + 6);
  });
});
