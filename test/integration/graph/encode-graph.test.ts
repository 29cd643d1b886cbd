import { request } from 'undici';
import { ok, REAL_SCHEMAS, startStack, type Stack } from '../../support/stack';

// The typed ENCODE graph over the sandbox portal on the real profiles with the real inserts loaded.
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ ...REAL_SCHEMAS, encodeSeed: undefined });
}, 120_000);
afterAll(() => stack?.stop());

type Node = Record<string, any>;
const isObject = (v: unknown): v is Node => !!v && typeof v === 'object' && !Array.isArray(v);

/** What the portal itself answers for a record in the embedded frame (as the gateway's default key). */
async function embedded(atId: string): Promise<Node> {
  const { key, secret } = stack.sandbox.encode!.credentials;
  const res = await request(`${stack.sandbox.encode!.url}${atId}?frame=embedded&format=json`, {
    headers: { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`, accept: 'application/json' },
  });
  expect(res.statusCode).toBe(200);
  return (await res.body.json()) as Node;
}

/** Upstream requests the last operation made, as the sandbox saw them. */
function logged() {
  return stack.sandbox.encode!.requests.entries.map((e) => ({ path: e.path, params: new URLSearchParams(e.query) }));
}

/**
 * Checks every record of a typed answer against the portal's embedded frame of that record: scalar
 * fields equal, each link names the same record (and matches the embedded copy where the frame
 * embeds one), and then the linked records themselves, level by level. Returns how many it checked.
 */
async function expectSameAsEmbedded(roots: Node[]): Promise<number> {
  const seen = new Set<string>();
  let queue = roots;
  while (queue.length) {
    const next: Node[] = [];
    for (const node of queue) {
      if (seen.has(node.atId)) continue;
      seen.add(node.atId);
      const doc = await embedded(node.atId);
      for (const [field, value] of Object.entries(node)) {
        if (field === 'atId') expect(value).toBe(doc['@id']);
        else if (field === '__typename') expect(value).toBe(`Encode${doc['@type'][0]}`);
        else if (Array.isArray(value) && value.some(isObject)) {
          expect(value).toHaveLength(doc[field].length);
          value.forEach((child: Node, i: number) => {
            compareLink(child, doc[field][i]);
            next.push(child);
          });
        } else if (isObject(value)) {
          compareLink(value, doc[field]);
          next.push(value);
        } else expect({ field, value }).toEqual({ field, value: doc[field] ?? null });
      }
    }
    queue = next;
  }
  return seen.size;
}

function compareLink(child: Node, link: unknown) {
  if (typeof link === 'string') return expect(child.atId).toBe(link);
  const embeddedCopy = link as Node;
  expect(child.atId).toBe(embeddedCopy['@id']);
  for (const [field, value] of Object.entries(child)) {
    if (field === 'atId' || field === '__typename' || isObject(value) || (Array.isArray(value) && value.some(isObject))) continue;
    expect({ field, value }).toEqual({ field, value: embeddedCopy[field] ?? null });
  }
}

const DEEP = `{
  encode {
    experiments(limit: 200) {
      atId accession status description assay_term_name date_released
      lab { atId name title }
      award { atId name project }
      replicates {
        atId uuid biological_replicate_number technical_replicate_number
        library {
          atId accession nucleic_acid_term_name
          biosample {
            __typename atId accession
            biosample_ontology { atId term_name classification }
            donor { __typename atId accession ... on EncodeHumanDonor { sex age } ... on EncodeMouseDonor { strain_name } }
          }
        }
      }
    }
  }
}`;

describe('typed ENCODE graph over the real inserts', () => {
  it('answers a deep query with the data the portal embeds, record by record and level by level', async () => {
    const res = ok(await stack.gql(DEEP));
    const experiments = res.encode.experiments;
    expect(experiments.length).toBeGreaterThan(80);
    expect(experiments.filter((e: Node) => e.replicates.length).length).toBeGreaterThan(50);
    const checked = await expectSameAsEmbedded(experiments);
    expect(checked).toBeGreaterThan(300);
  });

  it('costs one upstream request per level: experiments, replicates, libraries, biosamples, donors', async () => {
    stack.sandbox.encode!.requests.reset();
    const res = await stack.gql(`{
      encode { experiments(limit: 100) { atId replicates { atId uuid library { atId accession biosample { atId accession donor { atId accession } } } } } }
    }`);
    const { experiments } = ok(res).encode;
    const replicates = experiments.flatMap((e: Node) => e.replicates);
    const libraries = replicates.map((r: Node) => r.library).filter(Boolean);
    const biosamples = libraries.map((l: Node) => l.biosample).filter(Boolean);
    const donors = biosamples.map((b: Node) => b.donor).filter(Boolean);
    expect(donors.length).toBeGreaterThan(20);

    const calls = logged();
    expect(res.extensions?.upstreamCalls).toEqual({ ENCODE: 5, GDC: 0 });
    expect(calls).toHaveLength(5);
    expect(calls.every((c) => c.path === '/search/')).toBe(true);
    expect(calls[0].params.getAll('type')).toEqual(['Experiment']);
    // Each level asks for exactly the records the level above links to, each once.
    const asked = (i: number, field: string) => calls[i].params.getAll(field).sort();
    const distinct = (values: string[]) => [...new Set(values)].sort();
    expect(asked(1, 'uuid')).toEqual(distinct(replicates.map((r: Node) => r.uuid)));
    expect(asked(2, 'accession')).toEqual(distinct(libraries.map((l: Node) => l.accession)));
    expect(asked(3, 'accession')).toEqual(distinct(biosamples.map((b: Node) => b.accession)));
    expect(asked(4, 'accession')).toEqual(distinct(donors.map((d: Node) => d.accession)));
    expect(new Set(biosamples.map((b: Node) => b.accession)).size).toBeLessThan(biosamples.length); // some biosamples are shared: asked once
  });

  it('fetches a record asked for twice in one operation once, by its identifier or by a link to it', async () => {
    const { encode } = ok(await stack.gql(`{ encode { libraries(limit: 1, filters: [{ field: "biosample", values: ["*"] }]) { accession biosample { accession } } } }`));
    const [lib] = encode.libraries;
    stack.sandbox.encode!.requests.reset();
    const res = ok(
      await stack.gql(`query($acc: ID!, $lib: ID!) { encode {
        a: biosample(id: $acc) { accession lab { name } }
        b: biosample(id: $acc) { lab { title } }
        c: library(id: $lib) { biosample { accession lab { name } } }
      } }`, { acc: lib.biosample.accession, lib: lib.accession }),
    );
    expect([res.encode.a.accession, res.encode.c.biosample.accession]).toEqual([lib.biosample.accession, lib.biosample.accession]);
    const calls = logged();
    // One search for the biosample and the library, one GET for the lab; the linked biosample and
    // its lab are the records already fetched.
    expect(calls.map((c) => c.path)).toEqual(['/search/', expect.stringMatching(/^\/labs\//)]);
    expect(calls[0].params.getAll('accession').sort()).toEqual([lib.accession, lib.biosample.accession].sort());
  });

  it('costs nothing for objects the frame already holds: embedded objects and the raw record', async () => {
    stack.sandbox.encode!.requests.reset();
    const res = ok(await stack.gql(`{ encode { documents(limit: 100) { atId attachment { download type href } raw } } }`));
    expect(res.encode.documents.filter((d: Node) => d.attachment).length).toBeGreaterThan(5);
    expect(logged()).toHaveLength(1);
    for (const d of res.encode.documents.filter((x: Node) => x.attachment)) {
      expect(d.attachment).toEqual({ download: d.raw.attachment.download, type: d.raw.attachment.type, href: d.raw.attachment.href });
    }
  });

  it('reads properties whose portal names are not GraphQL names, and lists their links', async () => {
    const res = ok(await stack.gql(`{ encode { all: search(type: "BismarkQualityMetric") { ... on EncodeBismarkQualityMetric {
      raw Mapping_efficiency C_methylated_in_CpG_context quality_metric_of { atId }
    } } } }`));
    expect(res.encode.all.filter((qm: Node) => qm.raw['Mapping efficiency'] !== undefined).length).toBeGreaterThan(0);
    for (const qm of res.encode.all) {
      expect(qm.Mapping_efficiency).toBe(qm.raw['Mapping efficiency'] ?? null);
      expect(qm.C_methylated_in_CpG_context).toBe(qm.raw['C methylated in CpG context'] ?? null);
      expect(qm.quality_metric_of.map((f: Node) => f.atId)).toEqual(qm.raw.quality_metric_of);
    }
  });

  it('pages and filters lists like the portal search: OR within a field, AND across fields, from and limit', async () => {
    const all = ok(await stack.gql(`{ encode { biosamples(limit: 1000, filters: [{ field: "organism.name", values: ["human", "mouse"] }]) { accession organism { name } } } }`));
    const list = all.encode.biosamples;
    expect(new Set(list.map((b: Node) => b.organism.name))).toEqual(new Set(['human', 'mouse']));
    const page = ok(await stack.gql(`{ encode { biosamples(limit: 5, from: 5, filters: [{ field: "organism.name", values: ["human", "mouse"] }]) { accession } } }`));
    expect(page.encode.biosamples.map((b: Node) => b.accession)).toEqual(list.slice(5, 10).map((b: Node) => b.accession));
    const bad = await stack.gql(`{ encode { biosamples(limit: -1) { accession } } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves interfaces and unions to each record own type', async () => {
    const res = ok(await stack.gql(`{ encode {
      replicates(limit: 200) { experiment { __typename ... on EncodeExperiment { accession assay_term_name } } }
      search(type: "Donor", limit: 100) { __typename id atType }
      donors(limit: 100) { __typename accession organism { name } }
    } }`));
    expect(new Set(res.encode.replicates.map((r: Node) => r.experiment.__typename))).toContain('EncodeExperiment');
    expect(new Set(res.encode.search.map((d: Node) => d.__typename))).toEqual(new Set(res.encode.donors.map((d: Node) => d.__typename)));
    for (const d of res.encode.search) expect(d.__typename).toBe(`Encode${d.atType[0]}`);
    expect(res.encode.search.length).toBeGreaterThan(20);
  });

  it('<profile>(id:) takes any identifier; another type is an error naming it, an unknown id is null', async () => {
    const { encode } = ok(await stack.gql(`{ encode { libraries(limit: 1) { uuid accession atId aliases } } }`));
    const lib = encode.libraries[0];
    for (const id of [lib.uuid, lib.accession, lib.atId, ...lib.aliases]) {
      const one = ok(await stack.gql(`query($id: ID!) { encode { library(id: $id) { id accession } } }`, { id }));
      expect(one.encode.library).toEqual({ id: lib.uuid, accession: lib.accession });
    }
    const wrong = await stack.gql(`query($id: ID!) { encode { biosample(id: $id) { id } } }`, { id: lib.uuid });
    expect(wrong.errors?.[0].message).toMatch(/is a Library, not a Biosample/);
    expect(wrong.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const none = ok(await stack.gql(`{ encode { biosample(id: "TSTBS999999") { id } } }`));
    expect(none.encode.biosample).toBeNull();
  });

  it('typed create mutations: GraphQL refuses a wrong property name or type before any upstream call', async () => {
    stack.sandbox.encode!.requests.reset();
    const wrongName = await stack.gql(`mutation { createEncodeBiosamples(records: [{ organism: "human", source: "x", biosample_ontology: "y", passage_nmber: 3 }]) { success } }`);
    expect(wrongName.errors?.[0].message).toMatch(/Field "passage_nmber" is not defined by type "EncodeBiosampleInput"\. Did you mean "passage_number"\?/);
    const wrongType = await stack.gql(`mutation { createEncodeBiosamples(records: [{ organism: "human", source: "x", biosample_ontology: "y", passage_number: "three" }]) { success } }`);
    expect(wrongType.errors?.[0].message).toMatch(/Int cannot represent non-integer value: "three"/);
    const missing = await stack.gql(`mutation { createEncodeBiosamples(records: [{ organism: "human" }]) { success } }`);
    expect(missing.errors?.map((e) => e.message).join('\n')).toMatch(/EncodeBiosampleInput\.biosample_ontology" of required type "String!" was not provided/);
    expect(stack.sandbox.encode!.requests.entries).toHaveLength(0);
  });

  it('typed create mutations go the createEntities path: same result for the same records', async () => {
    const { encode } = ok(await stack.gql(`{ encode { biosamples(limit: 1) { raw } } }`));
    const raw = encode.biosamples[0].raw;
    const record = {
      award: raw.award,
      lab: raw.lab,
      organism: raw.organism,
      source: raw.source,
      biosample_ontology: raw.biosample_ontology,
      passage_number: 3,
      aliases: [`${raw.lab.split('/')[2]}:typed-graph-${Date.now()}`],
    };
    const fields = 'success dryRun createdCount errorCount entities { index action valid type aliases errors { type message } }';
    const typed = ok(await stack.gql(`mutation($r: [EncodeBiosampleInput!]!) { createEncodeBiosamples(records: $r, dryRun: true) { ${fields} } }`, { r: [record] }));
    const generic = ok(
      await stack.gql(`mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e, dryRun: true }) { ${fields} } }`, { e: [record] }),
    );
    expect(typed.createEncodeBiosamples).toEqual(generic.createEntities);
    expect(typed.createEncodeBiosamples).toMatchObject({ success: true, dryRun: true, errorCount: 0 });
    const created = ok(await stack.gql(`mutation($r: [EncodeBiosampleInput!]!) { createEncodeBiosamples(records: $r) { success createdCount entities { accession } } }`, { r: [record] }));
    expect(created.createEncodeBiosamples).toMatchObject({ success: true, createdCount: 1 });
    const back = ok(await stack.gql(`query($id: ID!) { encode { biosample(id: $id) { passage_number aliases } } }`, { id: created.createEncodeBiosamples.entities[0].accession }));
    expect(back.encode.biosample).toEqual({ passage_number: 3, aliases: record.aliases });
  });
});
