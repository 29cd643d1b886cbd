import { startStack, type Stack } from '../../support/stack';

/** `extensions.upstreamCalls` and MAX_UPSTREAM_CALLS, through the gateway on the starter sandbox. */
describe('upstream calls per operation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, { maxUpstreamCalls: 5 });
  });
  afterAll(() => stack.stop());
  beforeEach(() => {
    stack.sandbox.encode!.requests.reset();
    stack.sandbox.gdc!.requests.reset();
  });

  it('reports zero calls for an operation that needs no upstream', async () => {
    const res = await stack.gql('{ gatewayInfo { sandbox } }');
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 0, GDC: 0 });
  });

  it('counts what the upstreams received, and sends identical reads once', async () => {
    const res = await stack.gql(`{
      a: gdcDictionary(type: "case") b: gdcDictionary(type: "case") c: gdcDictionary(type: "sample")
      p: encodeProfile(name: "lab") q: encodeProfile(name: "lab")
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.a).toEqual(res.data.b);
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 1, GDC: 2 });
    expect(stack.sandbox.gdc!.requests.entries).toHaveLength(2);
    expect(stack.sandbox.encode!.requests.entries).toHaveLength(1);
  });

  it('refuses reads beyond MAX_UPSTREAM_CALLS with an error naming the limit, and sends none of them', async () => {
    const fields = Array.from({ length: 8 }, (_, i) => `r${i}: encodeRecord(id: "sandbox-lab:none-${i}", frame: EDIT)`).join('\n');
    const res = await stack.gql(`{ ${fields} }`);
    const refused = (res.errors ?? []).filter((e) => e.extensions?.code === 'LIMIT_EXCEEDED');
    expect(refused).toHaveLength(3);
    expect(refused[0].message).toMatch(/MAX_UPSTREAM_CALLS=5/);
    expect(refused[0].extensions).toMatchObject({ limit: 'MAX_UPSTREAM_CALLS', max: 5 });
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 5, GDC: 0 });
    expect(stack.sandbox.encode!.requests.entries).toHaveLength(5);
  });
});
