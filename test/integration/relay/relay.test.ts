import { ok, REAL_SCHEMAS, startStack, type Stack } from '../../support/stack';
import { caseDoc } from '../sandbox/gdc-graphql/fixture';

// Relay over the sandbox: node/nodes across both systems and cursor connections, counting what
// each costs upstream from the sandbox's own request logs.
let stack: Stack;
const encodeCalls = () => stack.sandbox.encode!.requests.entries.length;
const gdcCalls = () => stack.sandbox.gdc!.requests.entries.length;
const reset = () => {
  stack.sandbox.encode!.requests.reset();
  stack.sandbox.gdc!.requests.reset();
};

const CASES = 7;
beforeAll(async () => {
  stack = await startStack({ ...REAL_SCHEMAS, encodeSeed: undefined });
  const entities = Array.from({ length: CASES }, (_, i) => caseDoc('ALCH', `TCGA-ALCH-R${String(i).padStart(3, '0')}`));
  const res = ok(await stack.gql(`mutation($e: [JSON!]) { createEntities(input: { source: GDC, project: "TCGA-ALCH", entities: $e }) { success } }`, { e: entities }));
  if (!res.createEntities.success) throw new Error('setup: cases not created');
}, 120_000);
afterAll(() => stack?.stop());

async function biosamplePage(args: string): Promise<any> {
  return ok(await stack.gql(`{ encode { biosamplesConnection(${args}) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`)).encode.biosamplesConnection;
}

describe('Relay global object identification', () => {
  it('node and nodes find ENCODE records and GDC entities by uuid, null for unknown ids, in one request per system', async () => {
    const enc = ok(await stack.gql(`{ encode { biosamples(limit: 60) { id } } }`)).encode.biosamples.map((b: any) => b.id);
    const gdc = ok(await stack.gql(`{ gdc(project: "TCGA-ALCH") { case(first: 60) { id } } }`)).gdc.case.map((c: any) => c.id);
    expect(enc.length).toBeGreaterThan(0);
    expect(gdc.length).toBeGreaterThanOrEqual(CASES);
    const unknown = '00000000-0000-4000-8000-000000000000';
    reset();
    const one = ok(await stack.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id: enc[0] }));
    expect(one.node).toEqual({ __typename: 'EncodeBiosample', id: enc[0] });
    const two = ok(await stack.gql(`query($id: ID!) { node(id: $id) { __typename id ... on GdcCase { submitter_id } } }`, { id: gdc[0] }));
    expect(two.node.__typename).toBe('GdcCase');
    expect(two.node.id).toBe(gdc[0]);
    expect(ok(await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: unknown })).node).toBeNull();

    const ids: string[] = [];
    for (let i = 0; ids.length < 100; i++) ids.push(i % 2 ? enc[i % enc.length] : gdc[i % gdc.length]);
    ids[99] = unknown;
    reset();
    const many = ok(await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }));
    expect(encodeCalls()).toBe(1);
    expect(gdcCalls()).toBe(1);
    expect(many.nodes.map((n: any) => n?.id ?? null)).toEqual([...ids.slice(0, 99), null]);
  });

  it('asks each system only for the ids it answered before; an unknown id goes to both', async () => {
    const enc = ok(await stack.gql(`{ encode { biosamples(limit: 3) { id } } }`)).encode.biosamples.map((b: any) => b.id);
    const gdc = ok(await stack.gql(`{ gdc(project: "TCGA-ALCH") { case(first: 3) { id } } }`)).gdc.case.map((c: any) => c.id);
    const nodesOf = async (ids: string[]) => ok(await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids })).nodes.map((n: any) => n?.id ?? null);
    // First answered by nodes: each id is then known by its system.
    expect(await nodesOf([...enc, ...gdc])).toEqual([...enc, ...gdc]);
    reset();
    expect(await nodesOf([...enc, ...gdc])).toEqual([...enc, ...gdc]);
    const encodeAsked = stack.sandbox.encode!.requests.entries.map((e) => decodeURIComponent(e.query)).join('&');
    expect(enc.every((id: string) => encodeAsked.includes(id))).toBe(true);
    expect(gdc.some((id: string) => encodeAsked.includes(id))).toBe(false);
    expect(gdcCalls()).toBe(1);
    // Only ENCODE ids known as ENCODE's: GDC is not asked at all.
    reset();
    expect(await nodesOf(enc)).toEqual(enc);
    expect([encodeCalls(), gdcCalls()]).toEqual([1, 0]);
    // An id neither has answered is asked of both.
    reset();
    const unknown = '00000000-0000-4000-8000-00000000000a';
    expect(await nodesOf([enc[0], unknown])).toEqual([enc[0], null]);
    expect([encodeCalls(), gdcCalls()]).toEqual([1, 1]);
  });
});

describe('cursor connections', () => {
  it('pages ENCODE biosamples forwards and backwards to the end, one request per page, totalCount the portal total', async () => {
    reset();
    const seen: string[] = [];
    let page = await biosamplePage('first: 7');
    expect(encodeCalls()).toBe(1);
    const total = page.totalCount;
    expect(total).toBeGreaterThan(7);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    seen.push(...page.edges.map((e: any) => e.node.id));
    while (page.pageInfo.hasNextPage) {
      reset();
      page = await biosamplePage(`first: 7, after: "${page.pageInfo.endCursor}"`);
      expect(encodeCalls()).toBe(1);
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      seen.push(...page.edges.map((e: any) => e.node.id));
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    const list = ok(await stack.gql(`{ encodeSearch(type: "Biosample", limit: 1) { total } }`)).encodeSearch.total;
    expect(total).toBe(list);

    const back: string[] = [];
    let before = page.pageInfo.endCursor;
    back.unshift(seen.at(-1)!);
    for (;;) {
      reset();
      const p = await biosamplePage(`last: 7, before: "${before}"`);
      expect(encodeCalls()).toBe(1);
      back.unshift(...p.edges.map((e: any) => e.node.id));
      expect(p.pageInfo.hasNextPage).toBe(true);
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(back).toEqual(seen);
  });

  it('pages GDC cases to the end with totalCount the upstream count (page and count in one request)', async () => {
    const seen: string[] = [];
    let after = '';
    for (;;) {
      reset();
      const c = ok(await stack.gql(`{ gdc(project: "TCGA-ALCH") { caseConnection(first: 3${after}) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`)).gdc.caseConnection;
      expect(gdcCalls()).toBe(1); // the page and _case_count travel in one submission GraphQL query
      expect(c.pageInfo.hasPreviousPage).toBe(seen.length > 0);
      seen.push(...c.edges.map((e: any) => e.node.id));
      expect(c.totalCount).toBeGreaterThanOrEqual(CASES);
      if (!c.pageInfo.hasNextPage) {
        expect(seen.length).toBe(c.totalCount);
        break;
      }
      after = `, after: "${c.pageInfo.endCursor}"`;
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses tampered and foreign cursors with BAD_USER_INPUT and no upstream call', async () => {
    const page = await biosamplePage('first: 2');
    const cursor: string = page.pageInfo.endCursor;
    const donors = ok(await stack.gql(`{ encode { donorsConnection(first: 1) { pageInfo { endCursor } } } }`)).encode.donorsConnection.pageInfo.endCursor;
    const raw = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
    raw[2] = '5';
    const tampered = Buffer.from(raw.join('.')).toString('base64url');
    for (const args of [`first: 2, after: "${tampered}"`, `first: 2, after: "${donors}"`, `first: 2, after: "garbage"`, `filters: [{ field: "status", values: ["released"] }], first: 2, after: "${cursor}"`]) {
      reset();
      const res = await stack.gql(`{ encode { biosamplesConnection(${args}) { totalCount } } }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(encodeCalls() + gdcCalls()).toBe(0);
    }
  });
});
