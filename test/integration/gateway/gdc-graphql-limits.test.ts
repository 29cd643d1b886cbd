import { startStack, type Stack } from '../../support/stack';

const GRAPHQL = `query Q($query: String!) { gdcGraphql(query: $query) }`;

/** gdcGraphql passes a query on to GDC: held first to the gateway's own limits and INTROSPECTION (issue 18). */
describe('gdcGraphql under the gateway document limits', () => {
  let stack: Stack;
  const gdcRequests = () => stack.sandbox.gdc!.requests.entries.filter((e) => e.path.endsWith('/graphql'));

  beforeAll(async () => {
    stack = await startStack({}, { introspection: false, limits: { aliases: 30, depth: 15, tokens: 20_000, rootFields: 20 } });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.sandbox.gdc!.requests.reset());

  const refusal = async (query: string) => {
    const res = await stack.gql(GRAPHQL, { query });
    return { error: res.errors?.[0], sent: gdcRequests().length };
  };

  it.each([
    ['500 aliases', `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: _case_count(project_id: "GDC-INTERNAL")`).join(' ')} }`, 'MAX_ALIASES'],
    ['20 levels deep', `{ case { ${'samples { '.repeat(19)}id${' }'.repeat(19)} } }`, 'MAX_DEPTH'],
    ['25 root fields', `{ ${Array.from({ length: 25 }, () => '_case_count').join(' ')} }`, 'MAX_ROOT_FIELDS'],
    ['25,000 tokens', `{ case(ids: [${Array.from({ length: 25_000 }, () => '"x"').join(',')}]) { id } }`, 'MAX_TOKENS'],
  ])('refuses %s with LIMIT_EXCEEDED naming the limit, and sends nothing', async (_name, query, limit) => {
    const { error, sent } = await refusal(query);
    expect(error?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit });
    expect(sent).toBe(0);
  });

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type in a fragment', '{ ...F } fragment F on Root { __type(name: "case") { name } }'],
  ])('refuses introspection (%s) with INTROSPECTION=false, and sends nothing', async (_name, query) => {
    const { error, sent } = await refusal(query);
    expect(error).toMatchObject({ message: expect.stringMatching(/introspection is off on this gateway \(INTROSPECTION=false\)/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(sent).toBe(0);
  });

  it('refuses a query that does not parse, and passes on one within the limits', async () => {
    expect((await refusal('{ case { id ')).error?.extensions?.code).toBe('BAD_USER_INPUT');
    const res = await stack.gql(GRAPHQL, { query: `{ ${Array.from({ length: 10 }, (_, i) => `a${i}: _case_count(project_id: "GDC-INTERNAL")`).join(' ')} }` });
    expect(res.errors).toBeUndefined();
    expect(Object.keys(res.data.gdcGraphql.data ?? res.data.gdcGraphql)).toHaveLength(10);
    expect(gdcRequests()).toHaveLength(1);
  });

  it('passes introspection on when INTROSPECTION is on', async () => {
    const open = await startStack({});
    try {
      const res = await open.gql(GRAPHQL, { query: '{ __type(name: "Root") { name } }' });
      expect(res.errors?.[0]?.message ?? '').not.toMatch(/introspection is off/);
      expect(open.sandbox.gdc!.requests.entries.filter((e) => e.path.endsWith('/graphql'))).toHaveLength(1);
    } finally {
      await open.stop();
    }
  });
});
