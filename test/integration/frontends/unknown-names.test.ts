import { ok, startStack, type Stack } from '../../support/stack';

/** No silent nulls: unknown names are NOT_FOUND with suggestions; an absent record stays null. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({});
});
afterAll(() => stack.stop());

async function notFound(query: string) {
  const res = await stack.gql(query);
  expect(res.errors).toHaveLength(1);
  return res.errors![0];
}

describe('unknown names', () => {
  it('an ENCODE profile', async () => {
    const error = await notFound('query Profile { encodeProfile(name: "biosampel") }');
    expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'name', name: 'biosampel' });
    expect(error.extensions!.suggestions[0]).toBe('biosample');
    expect(error.message).toBe(`ENCODE profile 'biosampel' does not exist. Did you mean ${error.extensions!.suggestions.map((s: string) => `'${s}'`).join(', ')}?`);
    expect(ok(await stack.gql('{ encodeProfile(name: "biosample") }')).encodeProfile).toMatchObject({ title: expect.any(String) });
  });

  it('an ENCODE type (collection) in a search, plain and typed', async () => {
    const plain = await notFound('{ encodeSearch(type: "Biosampel") { total } }');
    expect(plain.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'type', name: 'Biosampel' });
    expect(plain.extensions!.suggestions[0]).toBe('Biosample');
    const typed = await notFound('{ encode { search(type: "biosampel") { id } } }');
    expect(typed.extensions).toMatchObject({ code: 'NOT_FOUND', name: 'biosampel' });
    expect(typed.extensions!.suggestions.slice(0, 2)).toContain('biosample');
  });

  it('a GDC node type', async () => {
    const error = await notFound('{ gdcDictionary(type: "caes") }');
    expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'type', name: 'caes' });
    expect(error.extensions!.suggestions[0]).toBe('case');
    expect(ok(await stack.gql('{ gdcDictionary(type: "case") }')).gdcDictionary).toMatchObject({ id: 'case' });
  });

  it('a GDC project, in the typed graph, gdcEntities and gdcTransactions', async () => {
    const typed = await notFound('{ gdc(project: "GDC-INTERNL") { _case_count } }');
    expect(typed.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'project', name: 'GDC-INTERNL' });
    expect(typed.extensions!.suggestions[0]).toBe('GDC-INTERNAL');
    const entities = await notFound('{ gdcEntities(project: "TCGA-NOPE", ids: ["00000000-0000-4000-8000-000000000000"]) }');
    expect(entities.extensions).toMatchObject({ code: 'NOT_FOUND', name: 'TCGA-NOPE' });
    const transactions = await notFound('{ gdcTransactions(project: "TCGA-LAUD") { id } }');
    expect(transactions.extensions!.suggestions).toContain('TCGA-LUAD');
  });

  it('an existing project with nothing in it answers 0, and absent records stay null', async () => {
    const data = ok(await stack.gql(`{
      gdc(project: "TCGA-CHOL") { _sample_count }
      gdcEntities(project: "GDC-INTERNAL", ids: ["00000000-0000-4000-8000-000000000000"])
      encodeRecord(id: "TSTBS999999")
    }`));
    expect(data).toEqual({ gdc: { _sample_count: 0 }, gdcEntities: [null], encodeRecord: null });
  });
});
