import pino from 'pino';
import { request } from 'undici';
import { startStack, type Stack } from '../../support/stack';

/**
 * Validation on both execution paths (issue 18): literal nesting counted, aliases counted per
 * fragment spread, no "Did you mean …" with INTROSPECTION=false, subscriptions a client error.
 */
let stack: Stack;
const logged: { level: number; msg: string }[] = [];
beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  stack = await startStack({}, { introspection: false, logger });
});
afterAll(() => stack.stop());
beforeEach(() => {
  stack.sandbox.encode!.requests.reset();
  stack.sandbox.gdc!.requests.reset();
  logged.length = 0;
});
const upstreamRequests = () => stack.sandbox.encode!.requests.entries.length + stack.sandbox.gdc!.requests.entries.length;

async function post(body: unknown) {
  const res = await request(stack.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.body.json()) as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };
  return { status: res.statusCode, ...json };
}

describe('object and list literals', () => {
  const createWith = (depth: number) =>
    `mutation { createEntities(input: { source: GDC, project: "GDC-INTERNAL", dryRun: true, entities: [${'{a: '.repeat(depth)}1${'}'.repeat(depth)}] }) { success } }`;

  it('refuses a literal nested deeper than MAX_INPUT_DEPTH (64) that the bracket pre-check lets through', async () => {
    const res = await post({ query: createWith(85) });
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_INPUT_DEPTH', max: 64 });
    expect(res.errors![0].message).toBe('A literal in the query nests more than 64 levels deep (MAX_INPUT_DEPTH=64)');
    expect(upstreamRequests()).toBe(0);
  });

  it('accepts one at the limit (as for variables, the input object is level 1 and the list level 2)', async () => {
    const res = await post({ query: createWith(62) });
    expect(res.errors?.find((e) => e.extensions.limit === 'MAX_INPUT_DEPTH')).toBeUndefined();
  });
});

describe('aliases in fragments', () => {
  const fragment = `fragment F on Query { ${Array.from({ length: 10 }, (_, i) => `a${i}: gatewayInfo { version }`).join(' ')} }`;

  it('counts a fragment once per spread: 10 aliases spread 4 times are 40 > MAX_ALIASES (30)', async () => {
    const res = await post({ query: `query Q { ...F ...F ...F ...F } ${fragment}` });
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_ALIASES', max: 30 });
  });

  it('counts spreads nested in fragments and fields too, and accepts 30', async () => {
    const nested = `fragment G on Query { ...F ...F } fragment H on Query { ...G ...G }`;
    expect((await post({ query: `query Q { ...H } ${nested} ${fragment}` })).errors![0].extensions.limit).toBe('MAX_ALIASES');
    const ok = await post({ query: `query Q { ...F ...F ...F } ${fragment}` });
    expect(ok.status).toBe(200);
    expect(ok.data.a9.version).toEqual(expect.any(String));
  });
});

describe('with INTROSPECTION=false, no suggestions', () => {
  it('in validation errors', async () => {
    const res = await post({ query: '{ gatewayInf { version } }' });
    expect(res.errors!.map((e) => e.message)).toEqual(['Cannot query field "gatewayInf" on type "Query".']);
  });

  it('in variable coercion errors (enum values and input fields)', async () => {
    const enumValue = await post({ query: 'query Q($f: DocumentFormat) { gdcTemplate(types: ["case"], format: $f) { fileName } }', variables: { f: 'TSX' } });
    const field = await post({ query: 'mutation M($i: CreateEntitiesInput!) { createEntities(input: $i) { success } }', variables: { i: { sourc: 'GDC' } } });
    const messages = [...enumValue.errors!, ...field.errors!].map((e) => e.message);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m).not.toMatch(/Did you mean/);
    expect(messages).toContain('Variable "$f" got invalid value "TSX"; Value "TSX" does not exist in "DocumentFormat" enum.');
    expect(upstreamRequests()).toBe(0);
  });
});

describe('subscriptions', () => {
  it('are a client error (400 BAD_REQUEST) saying what to do, with nothing logged at error level', async () => {
    const res = await post({ query: 'subscription { gatewayInfo { version } }' });
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions.code).toBe('BAD_REQUEST');
    expect(res.errors![0].message).toMatch(/^Subscriptions are served over WebSocket \(graphql-transport-ws\) or Server-Sent Events \(graphql-sse: Accept: text\/event-stream\) at this path, not as plain JSON over HTTP/);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('same-name fields and fragment spreads (refused before the pairwise spec rule)', () => {
  const many = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(' ');

  it('refuses 51 fields answering as one key in a set (MAX_SAME_NAME_FIELDS=50), on a query (fast path) and a mutation (Apollo)', async () => {
    for (const op of ['query', 'mutation']) {
      const res = await post({ query: `${op} { gatewayInfo { ${many(51, () => 'version')} } }` });
      expect(res.status).toBe(400);
      expect(res.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_SAME_NAME_FIELDS', max: 50 });
      expect(res.errors![0].message).toBe('A selection set has 51 fields answering as "version" (fragments merged in), more than allowed (MAX_SAME_NAME_FIELDS=50)');
    }
    const ok = await post({ query: `{ gatewayInfo { ${many(50, () => 'version')} } }` });
    expect(ok.status).toBe(200);
    expect(ok.data.gatewayInfo.version).toEqual(expect.any(String));
  });

  it('refuses 51 different fragments spread in one set (MAX_FRAGMENT_SPREADS=50), also in a GET', async () => {
    const query = `{ gatewayInfo { ${many(51, (i) => `...F${i}`)} } } ${many(51, (i) => `fragment F${i} on GatewayInfo { version }`)}`;
    const res = await request(`${stack.gateway.graphqlUrl}?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    const json = (await res.body.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(res.statusCode).toBe(400);
    expect(json.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_FRAGMENT_SPREADS', max: 50 });
    expect(upstreamRequests()).toBe(0);
  });
});

describe('spec rules that need no types (answered in the early pass, in graphql-js\'s words)', () => {
  it('answers duplicate arguments as Apollo does: 400 GRAPHQL_VALIDATION_FAILED with every location, on a query and a mutation', async () => {
    for (const op of ['query', 'mutation']) {
      const field = op === 'query' ? 'encode { organismsConnection(first: 2, after: "a", after: "b") { totalCount } }' : 'cancelJob(id: "x", id: "y") { id }';
      const res = await post({ query: `${op} Twice { ${field} }` });
      expect(res.status).toBe(400);
      const name = op === 'query' ? 'after' : 'id';
      expect(res.errors).toEqual([
        { message: `There can be only one argument named "${name}".`, locations: [expect.objectContaining({ line: 1 }), expect.objectContaining({ line: 1 })], extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) },
      ]);
    }
    expect(upstreamRequests()).toBe(0);
  });

  it('answers a limit before a spec error when a document has both', async () => {
    const res = await post({ query: `query A { gatewayInfo { ${Array.from({ length: 51 }, () => 'version').join(' ')} } } query A { gatewayInfo { version } }` });
    expect(res.status).toBe(400);
    expect(res.errors!.map((e) => e.extensions.code)).toEqual(['LIMIT_EXCEEDED']);
  });

  it('answers two operations of one name with graphql-js\'s message', async () => {
    const res = await post({ query: 'query A { gatewayInfo { version } } query A { gatewayInfo { version } }', operationName: 'A' });
    expect(res.status).toBe(400);
    expect(res.errors!.map((e) => [e.message, e.extensions.code])).toEqual([['There can be only one operation named "A".', 'GRAPHQL_VALIDATION_FAILED']]);
  });
});

