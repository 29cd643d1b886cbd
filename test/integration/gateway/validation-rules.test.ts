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
