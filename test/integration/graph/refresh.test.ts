import { ok, startStack, type GqlResponse, type Stack } from '../../support/stack';

// The upstream changes its schema while the gateway serves: the typed graph follows without a
// restart (SCHEMA_REFRESH_SECONDS), and no request fails because of the swap.
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({}, { schemaRefreshSeconds: 1 });
});
afterAll(() => stack?.stop());

const labFields = async (): Promise<string[]> =>
  ok(await stack.gql(`{ __type(name: "EncodeLab") { fields { name } } }`)).__type.fields.map((f: { name: string }) => f.name);

const version = async (): Promise<string> => ok(await stack.gql(`{ gatewayInfo { schemaVersion { id encodeProfiles gdcDictionary problems } } }`)).gatewayInfo.schemaVersion.id;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('schema refresh', () => {
  it('shows a profile change in the schema without a restart while requests in flight keep succeeding', async () => {
    const before = await version();
    expect(await labFields()).not.toContain('sandbox_motto');

    // Slow searches keep requests in flight across the swap.
    stack.sandbox.encode!.emulator.faults.set([{ path: '^/search', latencyMs: 150 }]);
    const answers: { res: GqlResponse; started: number; ended: number }[] = [];
    let running = true;
    const loop = async () => {
      while (running) {
        const started = Date.now();
        const res = await stack.gql(`{ encode { labs(limit: 5) { id name } } gatewayInfo { schemaVersion { id } } }`);
        answers.push({ res, started, ended: Date.now() });
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    await new Promise((r) => setTimeout(r, 600));

    // An upstream deploy adds a property to the lab profile.
    stack.sandbox.encode!.emulator.portal.profiles.changeProfile('lab', (schema) => {
      schema.properties.sandbox_motto = { title: 'Motto', description: 'Added while the gateway runs.', type: 'string' };
    });
    const swappedAt = await until('the new field', async () => ((await labFields()).includes('sandbox_motto') ? Date.now() : undefined));
    await new Promise((r) => setTimeout(r, 600));
    running = false;
    await Promise.all(loops);
    stack.sandbox.encode!.emulator.faults.set([]);

    const after = await version();
    expect(after).not.toBe(before);
    expect(ok(await stack.gql(`{ encode { labs(limit: 1) { name sandbox_motto } } }`)).encode.labs[0]).toEqual({ name: 'sandbox-lab', sandbox_motto: null });
    // The subgraph SDL a router reads follows the same swap (issue 15).
    const sdl: string = ok(await stack.gql('{ _service { sdl } }'))._service.sdl;
    expect(sdl).toMatch(/^type EncodeLab implements [^{]*@key\(fields: "id"\) \{[^}]*\bsandbox_motto: String\b/m);

    expect(answers.length).toBeGreaterThan(10);
    for (const { res } of answers) {
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data.encode.labs.map((l: { name: string }) => l.name)).toContain('sandbox-lab');
    }
    const versions = new Set(answers.map((a) => a.res.data.gatewayInfo.schemaVersion.id));
    expect(versions).toEqual(new Set([before, after]));
    expect(answers.filter((a) => a.ended > swappedAt).length).toBeGreaterThan(0);
  }, 60_000);

  it('finishes a request under way during a swap on the schema it started with', async () => {
    const graph = stack.gateway.graph;
    const old = graph.current.version.id;
    stack.sandbox.encode!.emulator.faults.set([{ path: '^/search', latencyMs: 800 }]);
    try {
      const inFlight = stack.gql(`{ encode { labs(limit: 1) { name } } gatewayInfo { schemaVersion { id } } }`);
      await new Promise((r) => setTimeout(r, 200));
      stack.sandbox.encode!.emulator.portal.profiles.changeProfile('lab', (schema) => {
        schema.properties.sandbox_slogan = { type: 'string' };
      });
      expect(await graph.refresh()).toBe(true);
      expect(graph.current.version.id).not.toBe(old);
      const res = ok(await inFlight);
      expect(res).toEqual({ encode: { labs: [{ name: 'sandbox-lab' }] }, gatewayInfo: { schemaVersion: { id: old } } });
    } finally {
      stack.sandbox.encode!.emulator.faults.set([]);
    }
    expect(await labFields()).toContain('sandbox_slogan');
  });

  it('takes up a change of the GDC dictionary; an unchanged one is read again but not parsed', async () => {
    const graph = stack.gateway.graph;
    const caseFields = async (): Promise<string[]> =>
      ok(await stack.gql(`{ __type(name: "GdcCase") { fields { name } } }`)).__type.fields.map((f: { name: string }) => f.name);
    const before = graph.current.version;
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(await graph.refresh()).toBe(false);
      // Nothing of the dictionary's 11 MB was parsed for an unchanged read (the portal's profiles may be).
      expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 1_000_000)).toEqual([]);
    } finally {
      parse.mockRestore();
    }
    expect(graph.current.version.gdcDictionary).toBe(before.gdcDictionary);

    // A GDC release adds a property to case.
    const caseSchema = stack.sandbox.gdc!.emulator.dictionary.raw.nodes.case as { properties: Record<string, unknown> };
    caseSchema.properties.sandbox_cohort = { description: 'Added while the gateway runs.', type: 'string' };
    try {
      // The stack refreshes every second: the swap is this refresh's or the timer's.
      await graph.refresh();
      await until('the new property', async () => ((await caseFields()).includes('sandbox_cohort') ? true : undefined));
      const after = graph.current.version;
      expect(after.gdcDictionary).toMatch(/^[0-9a-f]{12}$/);
      expect(after.gdcDictionary).not.toBe(before.gdcDictionary);
      expect(after.encodeProfiles).toBe(before.encodeProfiles);
      expect(await caseFields()).toContain('sandbox_cohort');
    } finally {
      delete caseSchema.properties.sandbox_cohort;
    }
    await graph.refresh();
    await until('the property gone', async () => ((await caseFields()).includes('sandbox_cohort') ? undefined : true));
    expect(graph.current.version.gdcDictionary).toBe(before.gdcDictionary);
  });

  it('keeps the last good schema when the upstream schema cannot be read, and swaps nothing when nothing changed', async () => {
    const graph = stack.gateway.graph;
    const current = graph.current.version.id;
    expect(await graph.refresh()).toBe(false);
    stack.sandbox.encode!.emulator.faults.set([{ path: '^/profiles', status: 503, errorRate: 1 }]);
    try {
      expect(await graph.refresh()).toBe(false);
    } finally {
      stack.sandbox.encode!.emulator.faults.set([]);
    }
    expect(graph.current.version.id).toBe(current);
    expect(graph.current.version.problems).toEqual([]);
    expect(await labFields()).toContain('name');
  });
});

describe('an upstream schema that cannot be read at start-up', () => {
  let down: Stack;

  beforeAll(async () => {
    // The portal answers everything but its profiles.
    process.env.SANDBOX_FAULTS = JSON.stringify([{ path: '^/profiles', status: 503, errorRate: 1 }]);
    try {
      down = await startStack({});
    } finally {
      delete process.env.SANDBOX_FAULTS;
    }
  });
  afterAll(() => down?.stop());

  it('starts without that part, says why in schemaVersion, and takes it up once it can be read', async () => {
    const info = `{ gatewayInfo { schemaVersion { encodeProfiles gdcDictionary encodeProfileCount gdcNodeCount problems } } }`;
    const before = ok(await down.gql(info)).gatewayInfo.schemaVersion;
    expect(before).toMatchObject({ encodeProfiles: null, encodeProfileCount: 0 });
    expect(before.gdcNodeCount).toBeGreaterThan(10);
    expect(before.problems).toEqual([expect.stringMatching(/^ENCODE profiles \(GET \/profiles\/\): .*503/)]);
    // The rest of the API serves meanwhile: the JSON operations and the GDC graph.
    expect(ok(await down.gql(`{ encodeRecord(id: "/labs/sandbox-lab/") gdc(project: "GDC-INTERNAL") { _case_count } }`)).encodeRecord.name).toBe('sandbox-lab');
    expect((await down.gql(`{ encode { labs { name } } }`)).errors?.[0].message).toMatch(/Cannot query field "labs" on type "EncodeQuery"/);

    down.sandbox.encode!.emulator.faults.set([]);
    expect(await down.gateway.graph.refresh()).toBe(true);
    const after = ok(await down.gql(info)).gatewayInfo.schemaVersion;
    expect(after).toMatchObject({ encodeProfileCount: 17, problems: [] });
    expect(after.encodeProfiles).toMatch(/^[0-9a-f]{12}$/);
    expect(ok(await down.gql(`{ encode { labs { name } } }`)).encode.labs.map((l: { name: string }) => l.name)).toContain('sandbox-lab');
  });
});
