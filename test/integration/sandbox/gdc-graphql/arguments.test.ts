import { aliquotDoc, caseDoc, diagnosisDoc, GdcGraphqlFixture, portionDoc, readGroupDoc, sampleDoc, unalignedReadsDoc } from './fixture';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const names = (rows: any[]) => rows.map((r) => r.submitter_id);

// One project's small graph (TCGA-CHOL) and a case elsewhere (TCGA-ALCH), through the REST endpoints:
//   C1 ─ S1 ─ P1 (ffpe), AL1 ─ RG1 ─ F1 (file), S2 ; D1 (diagnosis, two sites)
//   C2 ─ S3 ─ AL2 ;  C3 ;  C4 (created later)   A1 in TCGA-ALCH
describe('submission GraphQL: arguments, counts, pages, order and links (real dictionary)', () => {
  let gdc: GdcGraphqlFixture;
  let created: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    gdc = await GdcGraphqlFixture.start();
    await gdc.submit('TCGA-CHOL', [
      caseDoc('CHOL', 'C1', { days_to_consent: 10, lost_to_followup: 'Yes' }),
      caseDoc('CHOL', 'C2', { primary_site: 'Kidney', days_to_consent: 5 }),
      caseDoc('CHOL', 'C3', { primary_site: 'Kidney', days_to_consent: 20 }),
    ]);
    await gdc.submit('TCGA-CHOL', [
      sampleDoc('S1', 'C1'),
      sampleDoc('S2', 'C1', { tissue_type: 'Normal' }),
      sampleDoc('S3', 'C2'),
      portionDoc('P1', 'S1', true),
      { type: 'aliquot', submitter_id: 'AL1', samples: { submitter_id: 'S1' } },
      { type: 'aliquot', submitter_id: 'AL2', samples: { submitter_id: 'S3' } },
      readGroupDoc('RG1', 'AL1'),
      unalignedReadsDoc('F1', 'f1.fastq', 'RG1'),
      { ...diagnosisDoc('D1', 'C1'), sites_of_involvement: ['Abdomen', 'Adnexa'] },
    ]);
    await gdc.submit('TCGA-ALCH', [caseDoc('ALCH', 'A1'), sampleDoc('A1-S', 'A1')]);
    await pause(15);
    await gdc.submit('TCGA-CHOL', [caseDoc('CHOL', 'C4')]);
    await pause(15);
    await gdc.submit('TCGA-CHOL', [caseDoc('CHOL', 'C2', { primary_site: 'Kidney', days_to_consent: 6 })], 'PUT');
    const data = await gdc.data('{ node(first: 0) { id submitter_id created_datetime } }');
    created = Object.fromEntries(data.node.map((n: any) => [n.submitter_id, n.created_datetime]));
    ids = Object.fromEntries(data.node.map((n: any) => [n.submitter_id, n.id]));
  });
  afterAll(() => gdc.stop());

  const cases = async (args: string, fields = 'submitter_id') => names((await gdc.data(`{ case(${args}) { ${fields} } }`)).case);

  describe('property arguments', () => {
    it('take a list and match any of its values (strings, and numbers as Float)', async () => {
      expect(await cases('project_id: "TCGA-CHOL", primary_site: ["Kidney"]')).toEqual(['C2', 'C3']);
      expect(await cases('project_id: ["TCGA-CHOL", "TCGA-ALCH"], primary_site: ["Kidney", "Bronchus and lung"]')).toEqual(['C1', 'C2', 'C3', 'A1', 'C4']);
      expect(await cases('days_to_consent: [10, 20]')).toEqual(['C1', 'C3']);
      expect(await cases('days_to_consent: 6')).toEqual(['C2']);
      expect(await cases('lost_to_followup: "Yes"')).toEqual(['C1']);
    });

    it('match booleans, and submitter_id as a list', async () => {
      expect(names((await gdc.data('{ portion(is_ffpe: true) { submitter_id } }')).portion)).toEqual(['P1']);
      expect(names((await gdc.data('{ portion(is_ffpe: false) { submitter_id } }')).portion)).toEqual([]);
      expect(await cases('submitter_id: ["C3", "C1", "nope"]')).toEqual(['C1', 'C3']);
    });

    it('over an array property want every value given', async () => {
      const sites = async (values: string) => names((await gdc.data(`{ diagnosis(sites_of_involvement: ${values}) { submitter_id } }`)).diagnosis);
      expect(await sites('["Abdomen"]')).toEqual(['D1']);
      expect(await sites('["Adnexa", "Abdomen"]')).toEqual(['D1']);
      expect(await sites('["Abdomen", "Brain, NOS"]')).toEqual([]);
      expect((await gdc.data('{ diagnosis { sites_of_involvement age_at_diagnosis } }')).diagnosis).toEqual([{ age_at_diagnosis: 47, sites_of_involvement: ['Abdomen', 'Adnexa'] }]);
    });

    it('`not` leaves out matches, and nodes without the property (SQL NOT IN)', async () => {
      expect(await cases('project_id: "TCGA-CHOL", not: [{primary_site: "Kidney"}]')).toEqual(['C1', 'C4']);
      expect(await cases('project_id: "TCGA-CHOL", not: [{days_to_consent: 10}]')).toEqual(['C2', 'C3']);
      expect(await cases('project_id: "TCGA-CHOL", not: [{days_to_consent: 10}, {days_to_consent: 20}]')).toEqual(['C2']);
    });

    it('an unknown property or a wrong type is a GraphQL error', async () => {
      const unknown = await gdc.gql('{ case(colour: ["red"]) { id } }');
      expect(unknown.status).toBe(400);
      expect(unknown.json.errors).toEqual(['Unknown argument "colour" on field "Root.case".']);
      const wrong = await gdc.gql('{ case(days_to_consent: ["ten"]) { id } }');
      expect(wrong.status).toBe(400);
      expect(wrong.json.errors).toEqual(['Float cannot represent non numeric value: "ten"']);
    });
  });

  describe('identity and search', () => {
    it('id, ids and quick_search (case-insensitive, in id or submitter_id)', async () => {
      expect(await cases(`id: "${ids.C3}"`)).toEqual(['C3']);
      expect(await cases(`ids: ["${ids.C4}", "${ids.C1}"]`)).toEqual(['C1', 'C4']);
      // 'c2' matches C2's submitter_id, and any case whose random uuid happens to hold 'c2'.
      const holdsC2 = ['C1', 'C2', 'C3', 'A1', 'C4'].filter((n) => n === 'C2' || ids[n].toLowerCase().includes('c2'));
      expect((await cases('quick_search: "c2"')).sort()).toEqual(holdsC2.sort());
      expect(await cases(`quick_search: "${ids.A1.slice(0, 13).toUpperCase()}"`)).toEqual(['A1']);
      expect(await cases('quick_search: ""', 'submitter_id')).toHaveLength(5);
    });

    it('project_id narrows to a project; projects are found by their PROGRAM-CODE id', async () => {
      expect(await cases('project_id: "TCGA-ALCH"')).toEqual(['A1']);
      const data = await gdc.data('{ project(project_id: ["TCGA-CHOL", "TCGA-LUAD"]) { code project_id name programs { name } } }');
      expect(data.project).toEqual([
        { code: 'CHOL', name: 'TCGA-CHOL', programs: [{ name: 'TCGA' }], project_id: 'TCGA-CHOL' },
        { code: 'LUAD', name: 'TCGA-LUAD', programs: [{ name: 'TCGA' }], project_id: 'TCGA-LUAD' },
      ]);
    });
  });

  describe('dates', () => {
    it('created_after/before compare with the stored creation time', async () => {
      expect(await cases(`project_id: "TCGA-CHOL", created_after: "${created.C1}"`)).toEqual(['C4']);
      expect(await cases(`project_id: "TCGA-CHOL", created_before: "${created.C4}"`)).toEqual(['C1', 'C2', 'C3']);
      expect(await cases(`created_after: "${created.C1}", created_before: "${created.C4}"`)).toEqual(['A1']);
      expect(await cases('created_before: "2000-01-01"')).toEqual([]);
      expect(await cases('project_id: "TCGA-CHOL", created_after: "2000-01-01T00:00:00+05:00"')).toEqual(['C1', 'C2', 'C3', 'C4']);
    });

    it('updated_after finds what a PUT changed', async () => {
      expect(await cases(`updated_after: "${created.C4}"`)).toEqual(['C2']);
      expect(await cases(`project_id: "TCGA-CHOL", updated_before: "${created.C4}"`)).toEqual(['C1', 'C3']);
    });

    it('an unreadable date is an error string, with 400', async () => {
      const reply = await gdc.gql('{ case(created_after: "yesterday") { id } }');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ data: { case: null }, errors: ['Unknown string format: yesterday'] });
    });
  });

  describe('pages and counts', () => {
    it('first (default 10, 0 = all) and offset page through results; counts ignore both', async () => {
      const all = await cases('first: 0');
      expect(all).toEqual(['C1', 'C2', 'C3', 'A1', 'C4']);
      expect(await cases('first: 2')).toEqual(['C1', 'C2']);
      expect(await cases('first: 2, offset: 2')).toEqual(['C3', 'A1']);
      expect(await cases('offset: 4')).toEqual(['C4']);
      expect(await cases('offset: 9')).toEqual([]);
      const counts = await gdc.data('{ all: _case_count chol: _case_count(project_id: "TCGA-CHOL") paged: _case_count(first: 1, offset: 3) samples: _sample_count kidney: _case_count(primary_site: "Kidney") }');
      expect(counts).toEqual({ all: 5, chol: 4, paged: 5, samples: 4, kidney: 2 });
    });

    it('ten is the default page for links too', async () => {
      const docs = Array.from({ length: 12 }, (_, i) => sampleDoc(`C3-S${String(i).padStart(2, '0')}`, 'C3'));
      const fresh = await GdcGraphqlFixture.start();
      try {
        await fresh.submit('TCGA-CHOL', [caseDoc('CHOL', 'C3'), ...docs]);
        const data = await fresh.data('{ case { samples { submitter_id } all: samples(first: 0) { id } _samples_count } }');
        expect(names(data.case[0].samples)).toEqual(docs.slice(0, 10).map((d) => d.submitter_id));
        expect(data.case[0].all).toHaveLength(12);
        expect(data.case[0]._samples_count).toBe(12);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('order', () => {
    it('order_by_asc/desc on a property or id; nulls last ascending, first descending', async () => {
      expect(await cases('project_id: "TCGA-CHOL", order_by_desc: "submitter_id"')).toEqual(['C4', 'C3', 'C2', 'C1']);
      expect(await cases('project_id: "TCGA-CHOL", order_by_asc: "days_to_consent"')).toEqual(['C2', 'C1', 'C3', 'C4']);
      expect(await cases('project_id: "TCGA-CHOL", order_by_desc: "days_to_consent"')).toEqual(['C4', 'C3', 'C1', 'C2']);
      const byId = [...['C1', 'C2', 'C3', 'C4']].sort((a, b) => (ids[a] < ids[b] ? -1 : 1));
      expect(await cases('project_id: "TCGA-CHOL", order_by_asc: "id"')).toEqual(byId);
      expect(await cases('project_id: "TCGA-CHOL", order_by_asc: "primary_site", order_by_desc: "submitter_id"')).toEqual(['C4', 'C1', 'C3', 'C2']);
      expect(await cases('project_id: "TCGA-CHOL", order_by_desc: "days_to_consent", first: 1, offset: 1')).toEqual(['C3']);
      expect(await cases('project_id: "TCGA-CHOL", order_by_asc: "type"')).toEqual(['C1', 'C2', 'C3', 'C4']);
    });

    it('ordering by what the type does not have is an error', async () => {
      const reply = await gdc.gql('{ case(order_by_asc: "file_name") { id } }');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ data: { case: null }, errors: ['Cannot order by file_name on case'] });
    });
  });

  describe('links', () => {
    it('go both ways, take the target type’s arguments, and count', async () => {
      const data = await gdc.data(`{
        case(submitter_id: "C1") {
          samples(order_by_desc: "submitter_id") { submitter_id cases { submitter_id } }
          normal: samples(tissue_type: "Normal") { submitter_id }
          _samples_count
          _samples_count_tumor: _samples_count(tissue_type: ["Tumor"])
          diagnoses { submitter_id }
          projects { code }
        }
        aliquot(submitter_id: "AL1") { samples { submitter_id } read_groups { submitter_id submitted_unaligned_reads_files { file_name } } }
      }`);
      expect(data.case).toEqual([
        {
          _samples_count: 2,
          _samples_count_tumor: 1,
          diagnoses: [{ submitter_id: 'D1' }],
          normal: [{ submitter_id: 'S2' }],
          projects: [{ code: 'CHOL' }],
          samples: [
            { cases: [{ submitter_id: 'C1' }], submitter_id: 'S2' },
            { cases: [{ submitter_id: 'C1' }], submitter_id: 'S1' },
          ],
        },
      ]);
      expect(data.aliquot).toEqual([{ read_groups: [{ submitted_unaligned_reads_files: [{ file_name: 'f1.fastq' }], submitter_id: 'RG1' }], samples: [{ submitter_id: 'S1' }] }]);
    });

    it('_links lists neighbours in both directions; _related_cases the cases above', async () => {
      const data = await gdc.data('{ sample(submitter_id: "S1") { _links { type submitter_id } } read_group { _related_cases { submitter_id } } }');
      expect(data.sample[0]._links.map((n: any) => `${n.type}:${n.submitter_id}`).sort()).toEqual(['aliquot:AL1', 'case:C1', 'portion:P1']);
      expect(data.read_group).toEqual([{ _related_cases: [{ submitter_id: 'C1' }] }]);
    });

    it('with_links (all), with_links_any (one of), without_links', async () => {
      expect(await cases('with_links: ["samples", "diagnoses"]')).toEqual(['C1']);
      expect(await cases('with_links: ["samples"]')).toEqual(['C1', 'C2', 'A1']);
      expect(await cases('with_links_any: ["diagnoses", "samples"]')).toEqual(['C1', 'C2', 'A1']);
      expect(await cases('project_id: "TCGA-CHOL", without_links: ["samples"]')).toEqual(['C3', 'C4']);
      expect(names((await gdc.data('{ sample(with_links: ["aliquots"]) { submitter_id } }')).sample)).toEqual(['S1', 'S3']);
      const bad = await gdc.gql('{ case(with_links: ["aliquots"]) { id } }');
      expect(bad.status).toBe(400);
      expect(bad.json.errors).toEqual(["Invalid link name 'aliquots'"]);
    });

    it('with_path_to reaches up to cases (the case cache), down from them, and along the graph', async () => {
      const q = async (type: string, args: string) => names((await gdc.data(`{ ${type}(${args}) { submitter_id } }`))[type]);
      expect(await q('aliquot', 'with_path_to: {type: "case", submitter_id: "C2"}')).toEqual(['AL2']);
      expect(await q('submitted_unaligned_reads', 'with_path_to: {type: "case", primary_site: "Bronchus and lung"}')).toEqual(['F1']);
      expect(await q('case', 'with_path_to: {type: "read_group"}')).toEqual(['C1']);
      expect(await q('case', `with_path_to: {type: "aliquot", id: "${ids.AL2}"}`)).toEqual(['C2']);
      expect(await q('sample', 'with_path_to: {type: "read_group", submitter_id: "RG1"}')).toEqual(['S1']);
      expect(await q('sample', 'with_path_to: [{type: "portion"}, {type: "aliquot"}]')).toEqual(['S1']);
      expect(await q('sample', 'with_path_to_any: [{type: "portion"}, {type: "aliquot"}]')).toEqual(['S1', 'S3']);
      expect(await q('sample', 'without_path_to: {type: "aliquot"}')).toEqual(['S2', 'A1-S']);
      expect(await q('sample', 'project_id: "TCGA-CHOL", without_path_to: {type: "case", submitter_id: "C1"}')).toEqual(['S3']);
      expect(await q('read_group', 'with_path_to: {type: "submitted_unaligned_reads", file_name: "f1.fastq"}')).toEqual(['RG1']);
      expect(await q('read_group', 'with_path_to: {type: "submitted_unaligned_reads", file_name: "other.fastq"}')).toEqual([]);
      expect(await gdc.data('{ n: _sample_count(with_path_to: {type: "case", submitter_id: "C1"}) }')).toEqual({ n: 2 });
    });

    it('with_path_to follows peregrine’s pruning: one step back toward case at most, no path from a file to its aliquot', async () => {
      const q = async (type: string, args: string) => names((await gdc.data(`{ ${type}(${args}) { submitter_id } }`))[type]);
      expect(await q('submitted_unaligned_reads', 'with_path_to: {type: "read_group"}')).toEqual(['F1']);
      expect(await q('submitted_unaligned_reads', 'with_path_to: {type: "aliquot"}')).toEqual([]);
    });
  });

  describe('node, datanode, _node_type, viewer', () => {
    it('node by id answers the Node interface and fragments on the concrete type', async () => {
      const data = await gdc.data(`{ node(id: "${ids.C1}") { id type submitter_id project_id created_datetime ... on case { primary_site _samples_count } } }`);
      expect(data.node).toEqual([{ _samples_count: 2, created_datetime: created.C1, id: ids.C1, primary_site: 'Bronchus and lung', project_id: 'TCGA-CHOL', submitter_id: 'C1', type: 'case' }]);
    });

    it('node takes of_type, category (a substring test, as peregrine), project_id and the base arguments', async () => {
      const nodeNames = async (args: string) => names((await gdc.data(`{ node(${args}) { submitter_id } }`)).node);
      expect(await nodeNames('of_type: ["aliquot", "portion"]')).toEqual(['P1', 'AL1', 'AL2']);
      expect(await nodeNames('project_id: "TCGA-ALCH"')).toEqual(['A1', 'A1-S']);
      expect(await nodeNames('category: "biospecimen", project_id: "TCGA-CHOL", first: 0, order_by_asc: "submitter_id"')).toEqual(['AL1', 'AL2', 'P1', 'RG1', 'S1', 'S2', 'S3']);
      expect(await nodeNames('submitter_id: "D1"')).toEqual(['D1']);
      expect(await nodeNames('quick_search: "al", first: 0')).toEqual(['AL1', 'AL2']);
      expect((await gdc.data('{ node(first: 0) { id } }')).node).toHaveLength(15);
    });

    it('datanode spans every *_file type', async () => {
      const data = await gdc.data('{ datanode(file_name: "f1.fastq") { id type file_name md5sum file_state } none: datanode(file_name: "x") { id } }');
      expect(data.datanode).toEqual([{ file_name: 'f1.fastq', file_state: 'registered', id: ids.F1, md5sum: 'd81203da215be180128f260b788900b5', type: 'submitted_unaligned_reads' }]);
      expect(data.none).toEqual([]);
      expect((await gdc.data('{ datanode(of_type: ["aligned_reads"]) { id } }')).datanode).toEqual([]);
    });

    it('_node_type reads the dictionary', async () => {
      const data = await gdc.data('{ _node_type(id: "case") { id title category submittable } bio: _node_type(category: "biospecimen", first: 0, order_by_asc: "id") { id } }');
      expect(data._node_type).toEqual([{ category: 'administrative', id: 'case', submittable: 'true', title: 'Case' }]);
      expect(data.bio.map((t: any) => t.id)).toEqual(['aliquot', 'analyte', 'portion', 'read_group', 'sample', 'slide']);
    });

    it('viewer carries the same root fields', async () => {
      expect(await gdc.data('{ viewer { case(project_id: "TCGA-ALCH") { submitter_id } _case_count } }')).toEqual({ viewer: { _case_count: 5, case: [{ submitter_id: 'A1' }] } });
    });
  });

  describe('requests', () => {
    it('variables as an object or as a JSON string, and the operation by name', async () => {
      const query = 'query One($p: [String]) { _case_count(project_id: $p) } query Two { _sample_count }';
      const asObject = await gdc.call('POST', '/v0/submission/graphql', { query, variables: { p: ['TCGA-CHOL'] }, operationName: 'One' });
      expect(asObject).toEqual({ status: 200, json: { data: { _case_count: 4 } } });
      const asString = await gdc.call('POST', '/v0/submission/graphql', { query, variables: '{"p": ["TCGA-ALCH"]}', operationName: 'One' });
      expect(asString).toEqual({ status: 200, json: { data: { _case_count: 1 } } });
    });

    it('introspection shows the dictionary’s names, links both ways and their counts', async () => {
      const data = await gdc.data('{ __type(name: "sample") { fields { name } } }');
      const fields = data.__type.fields.map((f: any) => f.name);
      expect(fields).toEqual(expect.arrayContaining(['cases', '_cases_count', 'aliquots', '_aliquots_count', 'portions', 'tissue_type', '_links', '_transaction_logs', '_related_cases']));
      const root = (await gdc.data('{ __schema { queryType { fields { name } } } }')).__schema.queryType.fields.map((f: any) => f.name);
      expect(root).toEqual(expect.arrayContaining(['case', '_case_count', 'submitted_unaligned_reads', '_submitted_unaligned_reads_count', 'node', 'datanode', '_node_type', 'viewer', 'transaction_log', '_transaction_log_count']));
      expect(root).toHaveLength(83 * 2 + 6);
    });
  });
});
