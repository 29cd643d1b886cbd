import { parse } from 'csv-parse/sync';
import { loadDictionary } from '../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../src/rules/gdc/dictionary/model';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { ok, startStack, type Stack } from '../../support/stack';

const TEMPLATE = `query T($types: [String!]!, $format: DocumentFormat) { gdcTemplate(types: $types, format: $format) { entityType format fileName content } }`;

describe('GDC submission templates through the gateway', () => {
  let stack: Stack;
  const dictionary = new Dictionary(loadDictionary(dataPath('gdc', 'dictionary_all.json.gz')));
  const submittable = dictionary.typeNames().filter((t) => dictionary.get(t)!.submittable);

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('gives one TSV per submittable type: type first, required columns starred, the type on the second row', async () => {
    expect(submittable.length).toBeGreaterThan(25);
    const { gdcTemplate } = ok(await stack.gql(TEMPLATE, { types: submittable }));
    expect(gdcTemplate.map((f: any) => f.entityType)).toEqual(submittable);
    for (const [i, file] of gdcTemplate.entries()) {
      const type = submittable[i];
      expect(file).toMatchObject({ format: 'TSV', fileName: `submission_${type}_template.tsv` });
      const [columns, row] = parse(file.content, { delimiter: '\t', relax_column_count: true }) as string[][];
      expect(columns[0]).toBe('type');
      expect(row[0]).toBe(type);
      for (const required of dictionary.get(type)!.required.filter((p) => !dictionary.get(type)!.linkByName.has(p) && p !== 'type')) {
        expect(columns).toContain(`*${required}`);
      }
    }
  });

  it('links with several targets get a #1 column, as GDC templates show them', async () => {
    const [aliquot] = ok(await stack.gql(TEMPLATE, { types: ['aliquot'], format: 'CSV' })).gdcTemplate;
    expect(aliquot).toMatchObject({ format: 'CSV', fileName: 'submission_aliquot_template.csv' });
    const [columns] = parse(aliquot.content) as string[][];
    expect(columns).toContain('samples.submitter_id#1');
    expect(columns).toContain('analytes.submitter_id');
  });

  it('gives JSON for several types as one file holding every template', async () => {
    const files = ok(await stack.gql(TEMPLATE, { types: ['case', 'sample'], format: 'JSON' })).gdcTemplate;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ entityType: 'case,sample', format: 'JSON', fileName: 'submission_templates.json' });
    const templates = JSON.parse(files[0].content);
    expect(templates.map((t: any) => t.type)).toEqual(['case', 'sample']);
    expect(templates[1].cases).toEqual({ submitter_id: null });
    const [one] = ok(await stack.gql(TEMPLATE, { types: ['case'], format: 'JSON' })).gdcTemplate;
    expect(one.fileName).toBe('submission_case_template.json');
    expect(JSON.parse(one.content)).toMatchObject({ type: 'case', projects: { code: null } });
  });

  it('names the types GDC has no template for', async () => {
    const res = await stack.gql(TEMPLATE, { types: ['case', 'casse', 'nope'] });
    expect(res.errors?.[0]).toMatchObject({
      message: "GDC has no template for 'casse', 'nope': not a type of its dictionary. Did you mean 'case' for 'casse'?",
      extensions: { code: 'NOT_FOUND', argument: 'types', names: ['casse', 'nope'], suggestions: { casse: ['case'], nope: [] } },
    });
  });
});
