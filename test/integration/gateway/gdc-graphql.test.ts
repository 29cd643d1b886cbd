import { ok, startStack, type Stack } from '../../support/stack';
import { COMMIT, CREATE, caseOf, docs, sampleOf } from '../../support/gdc';

const GRAPHQL = `query Q($query: String!, $variables: JSON) { gdcGraphql(query: $query, variables: $variables) }`;
const TRANSACTION = `query T($project: String!, $id: Int!) {
  gdcTransaction(project: $project, id: $id) { id state isDryRun closed committable committedBy createdDatetime documents }
}`;
const TRANSACTIONS = `query L($project: String!, $first: Int, $offset: Int) {
  gdcTransactions(project: $project, first: $first, offset: $offset) { id state isDryRun committable committedBy }
}`;

/** The guide's submission GraphQL examples through gdcGraphql, and the transaction log through gdcTransaction(s). */
describe('GDC submission GraphQL through the gateway', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    const create = async (project: string, entities: unknown[]) => {
      const r = ok(await stack.gql(CREATE, { input: { source: 'GDC', project, entities } })).createEntities;
      if (!r.success) throw new Error(JSON.stringify(r));
    };
    await create('TCGA-LUAD', [
      caseOf('TCGA-05-4244', 'TCGA-LUAD'),
      caseOf('TCGA-17-Z050', 'TCGA-LUAD'),
      caseOf('TCGA-17-Z051', 'TCGA-LUAD'),
      docs.diagnosis('TCGA-05-4244-diagnosis', 'TCGA-05-4244'),
      sampleOf('TCGA-05-4244-01A', 'TCGA-05-4244'),
      docs.portion('TCGA-05-4244-01A-01', 'TCGA-05-4244-01A'),
      docs.analyte('TCGA-05-4244-01A-01D', 'TCGA-05-4244-01A-01'),
      docs.aliquot('TCGA-05-4244-01A-01D-A1', 'TCGA-05-4244-01A-01D'),
    ]);
    await create('TCGA-ALCH', [
      caseOf('TCGA-ALCH-000001', 'TCGA-ALCH'),
      caseOf('TCGA-ALCH-000002', 'TCGA-ALCH'),
      sampleOf('TCGA-ALCH-000001-01A', 'TCGA-ALCH-000001'),
      docs.portion('TCGA-67-6217-01A-13-2191-20', 'TCGA-ALCH-000001-01A', true),
      docs.analyte('TCGA-ALCH-000001-01A-13D', 'TCGA-67-6217-01A-13-2191-20'),
      docs.aliquot('TCGA-ALCH-000001-01A-13D-A', 'TCGA-ALCH-000001-01A-13D'),
    ]);
  });
  afterAll(() => stack.stop());

  const graphql = async (query: string, variables?: unknown) => ok(await stack.gql(GRAPHQL, { query, variables })).gdcGraphql;

  it('case + _case_count (first: 0): every case of the project and their number', async () => {
    const data = await graphql('{ case (project_id: "TCGA-ALCH", first: 0) { id submitter_id } _case_count (project_id: "TCGA-ALCH") }');
    expect(data._case_count).toBe(2);
    expect(data.case.map((c: any) => c.submitter_id).sort()).toEqual(['TCGA-ALCH-000001', 'TCGA-ALCH-000002']);
    expect(data.case[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a case without diagnosis, and how many there are', async () => {
    const one = await graphql('{ case (project_id: "TCGA-LUAD", without_links: ["diagnoses"], first: 1) { submitter_id } }');
    expect(one.case).toHaveLength(1);
    expect(['TCGA-17-Z050', 'TCGA-17-Z051']).toContain(one.case[0].submitter_id);
    expect(await graphql('{ _case_count (project_id: "TCGA-LUAD", without_links: ["diagnoses"]) }')).toEqual({ _case_count: 2 });
  });

  it('aliquots by their path to a case (with_path_to), with the variables passed through', async () => {
    const data = await graphql('query A($case: String) { aliquot(with_path_to: {type: "case", submitter_id: $case}) { submitter_id } }', { case: 'TCGA-ALCH-000001' });
    expect(data).toEqual({ aliquot: [{ submitter_id: 'TCGA-ALCH-000001-01A-13D-A' }] });
  });

  it('fragments and aliases', async () => {
    const data = await graphql(`{
      some_portion: portion (project_id: "TCGA-LUAD", first: 1) { ...portionProperties }
      specific_portion: portion (submitter_id: "TCGA-67-6217-01A-13-2191-20") { ...portionProperties }
    }
    fragment portionProperties on portion { submitter_id is_ffpe }`);
    expect(data).toEqual({
      some_portion: [{ submitter_id: 'TCGA-05-4244-01A-01', is_ffpe: false }],
      specific_portion: [{ submitter_id: 'TCGA-67-6217-01A-13-2191-20', is_ffpe: true }],
    });
  });

  it('the biospecimen tree of a case', async () => {
    const data = await graphql(`{ case (project_id: "TCGA-LUAD", submitter_id: "TCGA-05-4244") {
      submitter_id samples(first: 1) { submitter_id portions(first: 1) { submitter_id analytes(first: 1) { submitter_id aliquots(first: 1) { submitter_id } } } } } }`);
    expect(data.case[0]).toEqual({
      submitter_id: 'TCGA-05-4244',
      samples: [{ submitter_id: 'TCGA-05-4244-01A', portions: [{ submitter_id: 'TCGA-05-4244-01A-01', analytes: [{ submitter_id: 'TCGA-05-4244-01A-01D', aliquots: [{ submitter_id: 'TCGA-05-4244-01A-01D-A1' }] }] }] }],
    });
  });

  it("turns GDC's errors into GraphQL errors, keeping its words", async () => {
    const res = await stack.gql(GRAPHQL, { query: '{ casse { id } }' });
    expect(res.data.gdcGraphql).toBeNull();
    expect(res.errors?.[0].message).toMatch(/^GDC's submission GraphQL: Cannot query field "casse"/);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: 'GDC', upstreamStatus: 400, upstreamErrors: [expect.stringMatching(/casse/)] });
  });

  describe('the transaction log', () => {
    const transaction = async (id: number) => ok(await stack.gql(TRANSACTION, { project: 'GDC-INTERNAL', id })).gdcTransaction;

    it('dry run → committable; async commit → poll until it succeeded; the dry run names it', async () => {
      const dry = ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [caseOf('LOG-1')], dryRun: true } })).createEntities;
      const before = await transaction(dry.transactionId);
      expect(before).toMatchObject({ id: dry.transactionId, state: 'SUCCEEDED', isDryRun: true, closed: false, committable: true, committedBy: null });
      expect(before.createdDatetime).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(before.documents).toHaveLength(1);
      expect(before.documents[0]).toMatchObject({ doc_format: 'json', response: { success: true, transaction_id: dry.transactionId } });
      expect(JSON.parse(before.documents[0].doc)).toEqual([caseOf('LOG-1')]);

      const commit = ok(await stack.gql(COMMIT, { input: { project: 'GDC-INTERNAL', transactionId: dry.transactionId, async: true } })).commitTransaction;
      expect(commit).toMatchObject({ success: true, message: 'Transaction submitted.' });
      let committed = await transaction(commit.transactionId);
      for (let i = 0; i < 100 && committed?.state !== 'SUCCEEDED'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        committed = await transaction(commit.transactionId);
      }
      expect(committed).toMatchObject({ id: commit.transactionId, state: 'SUCCEEDED', isDryRun: false, committable: false });
      expect(committed.documents[0].response).toMatchObject({ created_entity_count: 1, entities: [{ action: 'create', unique_keys: [{ submitter_id: 'LOG-1' }] }] });
      expect(await transaction(dry.transactionId)).toMatchObject({ committable: false, committedBy: commit.transactionId });
    });

    it('lists the project’s transactions newest first, paged, and null for an unknown id', async () => {
      await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [caseOf('LOG-2')], dryRun: true } });
      const all = ok(await stack.gql(TRANSACTIONS, { project: 'GDC-INTERNAL', first: 3 })).gdcTransactions;
      expect(all).toHaveLength(3);
      expect(all.map((t: any) => t.id)).toEqual([...all.map((t: any) => t.id)].sort((a: number, b: number) => b - a));
      const next = ok(await stack.gql(TRANSACTIONS, { project: 'GDC-INTERNAL', first: 1, offset: 1 })).gdcTransactions;
      expect(next[0].id).toBe(all[1].id);
      expect(await transaction(999999)).toBeNull();
      const bad = await stack.gql(TRANSACTIONS, { project: 'GDC-INTERNAL', first: 0 });
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    });
  });
});
