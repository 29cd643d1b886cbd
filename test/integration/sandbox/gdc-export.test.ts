import fs from 'node:fs';
import { load } from 'js-yaml';
import { GDC_SANDBOX_TOKENS } from '../../../src/sandbox/gdc';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { attachmentName, startGdcEmulator, untarGz, type GdcEmulator } from '../../support/gdc-emulator';

const BASE = '/v0/submission/GDC/INTERNAL';
const example = (type: string) => JSON.parse(fs.readFileSync(dataPath('gdc', 'examples', 'valid', `${type}.json`), 'utf8'));

// The guide's case and samples, the dictionary's own clinical examples (rewired to the case), an aliquot
// and a clinical supplement that belongs to two cases (a many_to_many link: two #N column groups).
const CASE = 'GDC-INTERNAL-000093';
const documents = [
  { type: 'case', submitter_id: CASE, disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } },
  { type: 'case', submitter_id: 'GDC-INTERNAL-000094', disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } },
  ...['A', 'B'].map((s) => ({
    type: 'sample',
    submitter_id: `${CASE}-sample${s}`,
    tissue_type: 'Tumor',
    preservation_method: 'Frozen',
    specimen_type: 'Solid Tissue',
    tumor_descriptor: 'Primary',
    days_to_collection: 12,
    is_ffpe: false,
    cases: { submitter_id: CASE },
  })),
  { type: 'aliquot', submitter_id: `${CASE}-sampleA-aliquot`, concentration: 0.07, amount: 10, samples: [{ submitter_id: `${CASE}-sampleA` }] },
  ...['demographic', 'diagnosis', 'exposure'].map((type) => ({ ...example(type), cases: { submitter_id: CASE } })),
  // Array items with commas: only the [GDC] `|` separator keeps them apart.
  { ...example('follow_up'), comorbidities: ['COPD', 'Diabetes, Type II', 'Pneumonia, NOS'], cases: { submitter_id: CASE } },
  {
    type: 'clinical_supplement',
    submitter_id: 'supplement-1',
    file_name: 'clinical.xml',
    file_size: 39195,
    md5sum: 'ecaaa87613ba03c971bfefdb6f693959',
    data_category: 'Clinical',
    data_format: 'BCR XML',
    data_type: 'Clinical Supplement',
    cases: [{ submitter_id: CASE }, { submitter_id: 'GDC-INTERNAL-000094' }],
  },
];

describe('GDC emulator: export, templates and manifest (real dictionary)', () => {
  let gdc: GdcEmulator;
  const ids = new Map<string, string>();
  const idOf = (submitterId: string) => ids.get(submitterId)!;

  beforeAll(async () => {
    gdc = await startGdcEmulator();
    const res = await gdc.call('PUT', BASE, documents);
    if (res.status !== 200) throw new Error(`seeding failed: ${res.text}`);
    for (const [i, e] of res.json.entities.entries()) ids.set((documents[i] as { submitter_id: string }).submitter_id, e.id);
  });
  afterAll(() => gdc.stop());

  /** Every stored property of every entity of the project, but updated_datetime (a PUT always moves it). */
  const snapshot = () =>
    Object.fromEntries(
      [...gdc.sandbox.service.store.all()]
        .filter((n) => n.project_id === 'GDC-INTERNAL')
        .map((n) => {
          const { updated_datetime: _u, ...props } = n.props;
          return [n.id, { props, links: n.links }];
        }),
    );

  describe('export', () => {
    it('exports one entity as {type}.tsv: property columns in template order, then its link columns', async () => {
      const res = await gdc.call('GET', `${BASE}/export?ids=${idOf(`${CASE}-sampleA`)}`);
      expect(res.status).toBe(200);
      expect(attachmentName(res.headers)).toBe('sample.tsv');
      expect(res.headers['content-type']).toBe('application/octet-stream');
      const [header, row, extra] = res.text.trimEnd().split('\n').map((l) => l.split('\t'));
      expect(extra).toBeUndefined();
      expect(header.slice(0, 4)).toEqual(['type', 'id', 'project_id', 'submitter_id']);
      expect(header.slice(-8)).toEqual([
        'cases.id',
        'cases.submitter_id',
        'diagnoses.id',
        'diagnoses.submitter_id',
        'parent_samples.id',
        'parent_samples.submitter_id',
        'tissue_source_sites.id',
        'tissue_source_sites.code',
      ]);
      const cell = (name: string) => row[header.indexOf(name)];
      expect(cell('id')).toBe(idOf(`${CASE}-sampleA`));
      expect(cell('cases.id')).toBe(idOf(CASE));
      expect(cell('cases.submitter_id')).toBe(CASE);
      expect(cell('is_ffpe')).toBe('false');
      expect(cell('days_to_collection')).toBe('12');
      expect(cell('composition')).toBe('');
      expect(header).not.toContain('state');
      expect(header).not.toContain('created_datetime');
    });

    it('gives a many_to_many link one #N column group per target', async () => {
      const res = await gdc.call('GET', `${BASE}/export?ids=${idOf('supplement-1')}&format=csv`);
      expect(attachmentName(res.headers)).toBe('clinical_supplement.csv');
      const [header, row] = res.text.trimEnd().split('\n').map((l) => l.split(','));
      const at = (name: string) => row[header.indexOf(name)];
      expect(new Set([at('cases.submitter_id#1'), at('cases.submitter_id#2')])).toEqual(new Set([CASE, 'GDC-INTERNAL-000094']));
      expect(new Set([at('cases.id#1'), at('cases.id#2')])).toEqual(new Set([idOf(CASE), idOf('GDC-INTERNAL-000094')]));
      expect(header).not.toContain('cases.submitter_id#3');
    });

    it('round-trips: every entity exported as TSV and submitted back as a PUT changes nothing', async () => {
      const before = snapshot();
      const all = [...ids.values()].join(',');
      const res = await gdc.call('GET', `${BASE}/export?ids=${all}&format=tsv`);
      expect(res.status).toBe(200);
      expect(attachmentName(res.headers)).toMatch(/^gdc_export_[0-9a-f]{128}\.tar\.gz$/);
      const files = await untarGz(res.body);
      expect([...files.keys()].sort()).toEqual(
        ['aliquot', 'case', 'clinical_supplement', 'demographic', 'diagnosis', 'exposure', 'follow_up', 'sample'].map((t) => `${t}.tsv`),
      );
      // Parents first, as a submitter would send them.
      for (const type of ['case', 'sample', 'aliquot', 'demographic', 'diagnosis', 'exposure', 'follow_up', 'clinical_supplement']) {
        const put = await gdc.call('PUT', BASE, files.get(`${type}.tsv`)!, { 'content-type': 'text/tab-separated-values' });
        expect({ type, status: put.status, errors: put.json.entities.flatMap((e: any) => e.errors) }).toEqual({ type, status: 200, errors: [] });
        expect(put.json.entities.every((e: any) => e.action === 'update')).toBe(true);
        expect(put.json.created_entity_count).toBe(0);
      }
      expect(snapshot()).toEqual(before);
    });

    it('round-trips CSV too, arrays and many links included', async () => {
      const before = snapshot();
      for (const name of ['follow_up', 'supplement-1']) {
        const id = name === 'follow_up' ? idOf(example('follow_up').submitter_id) : idOf(name);
        const res = await gdc.call('GET', `${BASE}/export?ids=${id}&format=csv`);
        const put = await gdc.call('PUT', BASE, res.text, { 'content-type': 'text/csv' });
        expect(put.status).toBe(200);
      }
      expect(snapshot()).toEqual(before);
      const followUp = [...gdc.sandbox.service.store.ofType('follow_up')][0];
      expect(followUp.props.comorbidities).toEqual(['COPD', 'Diabetes, Type II', 'Pneumonia, NOS']);
    });

    it('exports JSON keyed by type, with_children walking down from the case, nulls for unset properties', async () => {
      const res = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)}&format=json&with_children=with_children`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(attachmentName(res.headers)).toMatch(/^gdc_export_[0-9a-f]{128}\.json$/);
      expect(Object.keys(res.json).sort()).toEqual(['aliquot', 'case', 'clinical_supplement', 'demographic', 'diagnosis', 'exposure', 'follow_up', 'sample']);
      const [kase] = res.json.case;
      expect(kase).toMatchObject({ type: 'case', id: idOf(CASE), project_id: 'GDC-INTERNAL', submitter_id: CASE, tissue_source_sites: [] });
      expect(kase.projects).toEqual([{ id: expect.any(String), code: 'INTERNAL' }]);
      expect(res.json.sample).toHaveLength(2);
      const sampleA = res.json.sample.find((s: any) => s.submitter_id === `${CASE}-sampleA`);
      expect(sampleA).toMatchObject({ cases: [{ id: idOf(CASE), submitter_id: CASE }], composition: null, is_ffpe: false });
      expect(res.json.aliquot[0].samples).toEqual([{ id: idOf(`${CASE}-sampleA`), submitter_id: `${CASE}-sampleA` }]);
    });

    it('narrows children to a category; the requested entity stays', async () => {
      const res = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)}&format=json&with_children=true&category=clinical`);
      expect(Object.keys(res.json).sort()).toEqual(['case', 'demographic', 'diagnosis', 'exposure', 'follow_up']);
    });

    it('without with_children (or with_children=false) exports only the ids', async () => {
      const res = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)}&format=json&with_children=false`);
      expect(attachmentName(res.headers)).toBe('case.json');
      expect(Object.keys(res.json)).toEqual(['case']);
    });

    it('leaves ids out with without_id=true', async () => {
      const res = await gdc.call('GET', `${BASE}/export?ids=${idOf(`${CASE}-sampleA`)}&without_id=true`);
      const header = res.text.split('\n')[0].split('\t');
      expect(header).not.toContain('id');
      expect(header.filter((h) => h.endsWith('.id') || h.includes('.id#'))).toEqual([]);
      expect(header).toContain('cases.submitter_id');
    });

    it('takes a POST with a JSON body, ids as a list', async () => {
      const res = await gdc.call('POST', `${BASE}/export`, { ids: [idOf(CASE), idOf('GDC-INTERNAL-000094')], format: 'csv' });
      expect(res.status).toBe(200);
      expect(attachmentName(res.headers)).toBe('case.csv');
      expect(res.text.trimEnd().split('\n')).toHaveLength(3);
    });

    it('exports every entity of a type with node_label', async () => {
      const res = await gdc.call('GET', `${BASE}/export?node_label=sample&format=json`);
      expect(attachmentName(res.headers)).toBe('sample.json');
      expect(res.json.sample.map((s: any) => s.submitter_id).sort()).toEqual([`${CASE}-sampleA`, `${CASE}-sampleB`]);
    });

    it('skips unknown ids, and answers 404 when none is found', async () => {
      const some = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)},00000000-0000-4000-8000-000000000000&format=json`);
      expect(Object.keys(some.json)).toEqual(['case']);
      const none = await gdc.call('GET', `${BASE}/export?ids=00000000-0000-4000-8000-000000000000`);
      expect(none.status).toBe(404);
      expect(none.json).toEqual({ message: 'Unable to find 00000000-0000-4000-8000-000000000000' });
    });

    it('refuses a request without ids, an unknown type or format, and a caller without a token', async () => {
      expect((await gdc.call('GET', `${BASE}/export`)).json).toEqual({ message: 'expected either `ids` or `node_label` parameter' });
      const label = await gdc.call('GET', `${BASE}/export?node_label=nope`);
      expect([label.status, label.json.message]).toEqual([400, 'dictionary does not have node with type nope']);
      const format = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)}&format=xml`);
      expect([format.status, format.json.message]).toEqual([400, 'Format xml not supported']);
      const anonymous = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)}`, undefined, { 'x-auth-token': '' });
      expect(anonymous.status).toBe(401);
      const reader = await gdc.call('GET', `${BASE}/export?ids=${idOf(CASE)}`, undefined, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
      expect(reader.status).toBe(200);
    });
  });

  describe('manifest', () => {
    it('lists data files as gdc-client reads them: YAML {files}, local_file_path = file_name', async () => {
      const res = await gdc.call('GET', `${BASE}/manifest?ids=${idOf('supplement-1')}`);
      expect(res.status).toBe(200);
      expect(attachmentName(res.headers)).toBe('submission_manifest.yaml');
      const manifest = load(res.text) as { files: Record<string, unknown>[] };
      expect(manifest.files).toHaveLength(1);
      expect(manifest.files[0]).toMatchObject({
        id: idOf('supplement-1'),
        type: 'clinical_supplement',
        project_id: 'GDC-INTERNAL',
        file_name: 'clinical.xml',
        local_file_path: 'clinical.xml',
        file_size: 39195,
        md5sum: 'ecaaa87613ba03c971bfefdb6f693959',
      });
      expect(res.text.indexOf('file_name:')).toBeLessThan(res.text.indexOf('md5sum:'));
    });

    it('refuses entities that are not data files, and a request without ids', async () => {
      const res = await gdc.call('GET', `${BASE}/manifest?ids=${idOf('supplement-1')},${idOf(CASE)}`);
      expect([res.status, res.json]).toEqual([400, { message: `case ${idOf(CASE)} is not a data file.` }]);
      const empty = await gdc.call('GET', `${BASE}/manifest`);
      expect([empty.status, empty.json.message]).toEqual([400, "No ids specified. Use query parameter 'ids', e.g. 'ids=id1,id2'."]);
    });
  });

  describe('templates without a type', () => {
    const raw = JSON.parse(require('node:zlib').gunzipSync(fs.readFileSync(dataPath('gdc', 'dictionary_all.json.gz'))).toString('utf8'));
    const submittable = Object.entries(raw)
      .filter(([, s]: [string, any]) => s && s.submittable === true && s.properties && 'project_id' in s.properties)
      .map(([t]) => t)
      .sort();

    it('returns every submittable type as submission_templates.tar.gz, each a template that names its type', async () => {
      const res = await gdc.call('GET', '/v0/submission/template?format=tsv');
      expect(res.status).toBe(200);
      expect(attachmentName(res.headers)).toBe('submission_templates.tar.gz');
      const files = await untarGz(res.body);
      expect([...files.keys()].sort()).toEqual(submittable.map((t) => `${t}.tsv`));
      for (const type of submittable) {
        const [header, row] = files.get(`${type}.tsv`)!.split('\n').map((l) => l.split('\t'));
        expect([type, header[0], row[0], header.length]).toEqual([type, 'type', type, row.length]);
        expect(header).toContain('*submitter_id');
        const single = await gdc.call('GET', `/v0/submission/template/${type}?format=tsv`);
        expect(single.text).toBe(files.get(`${type}.tsv`));
      }
    });

    it('narrows to categories, leaves out excluded types or categories, and gives JSON as one array', async () => {
      const clinical = await untarGz((await gdc.call('GET', `${BASE}/template?format=csv&categories=clinical`)).body);
      const clinicalTypes = submittable.filter((t) => raw[t].category === 'clinical');
      expect([...clinical.keys()].sort()).toEqual(clinicalTypes.map((t) => `${t}.csv`));
      const json = await gdc.call('GET', '/v0/submission/template?format=json&exclude=case,biospecimen');
      expect(attachmentName(json.headers)).toBe('submission_templates.json');
      const types = json.json.map((t: any) => t.type).sort();
      expect(types).toEqual(submittable.filter((t) => t !== 'case' && raw[t].category !== 'biospecimen'));
      expect(json.json.find((t: any) => t.type === 'demographic')).toMatchObject({ submitter_id: null, cases: { submitter_id: null } });
    });

    it('refuses an unknown format', async () => {
      const res = await gdc.call('GET', '/v0/submission/template?format=xlsx');
      expect([res.status, res.json.message]).toEqual([400, 'Format xlsx is not supported; use tsv, csv or json']);
    });
  });
});
