import { loadDictionary } from '../../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../../src/rules/gdc/dictionary/model';
import { parseDelimited } from '../../../../src/sandbox/gdc/documents/delimited';
import { renderTemplate, templateColumns } from '../../../../src/sandbox/gdc/templates';
import { dataPath } from '../../../../src/sandbox/shared/paths';
import { fixtureDictionary } from './fixture';

const real = new Dictionary(loadDictionary(dataPath('gdc', 'dictionary_all.json.gz')));

describe('submission templates', () => {
  it('orders sample columns as the notes show: type, unique keys, links, *required, optional', () => {
    const columns = templateColumns(real.get('sample')!, real);
    expect(columns.slice(0, 11)).toEqual([
      'type',
      'project_id',
      '*submitter_id',
      'cases.submitter_id',
      'diagnoses.submitter_id',
      'parent_samples.submitter_id',
      'tissue_source_sites.code',
      '*preservation_method',
      '*specimen_type',
      '*tissue_type',
      '*tumor_descriptor',
    ]);
    expect(columns).not.toContain('state');
    expect(columns).not.toContain('created_datetime');
    expect(columns.slice(11)).toEqual([...columns.slice(11)].sort());
  });

  it('marks links to many targets with #1', () => {
    const dictionary = fixtureDictionary();
    expect(templateColumns(dictionary.get('aliquot')!, dictionary)).toEqual(['type', 'project_id', '*submitter_id', 'analytes.submitter_id', 'samples.submitter_id#1']);
  });

  it('renders a TSV whose second row names the type, and which parses back', () => {
    const tsv = renderTemplate(real.get('case')!, real, 'tsv');
    const [header, row] = tsv.trimEnd().split('\n');
    expect(header.split('\t').slice(0, 4)).toEqual(['type', 'project_id', '*submitter_id', 'projects.code']);
    expect(row.split('\t')[0]).toBe('case');
    expect(parseDelimited(tsv, '\t', real)).toEqual([{ type: 'case' }]);
  });

  it('renders JSON with nulls and link objects', () => {
    const doc = JSON.parse(renderTemplate(real.get('case')!, real, 'json'));
    expect(doc).toMatchObject({ type: 'case', submitter_id: null, projects: { code: null }, primary_site: null });
  });
});
