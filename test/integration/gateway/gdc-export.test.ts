import fs from 'node:fs';
import yaml from 'js-yaml';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { ok, startStack, type Stack } from '../../support/stack';
import { CREATE, DRY_RUN_MESSAGE, ENTITIES, caseOf, docs, gqlWithFile, guideCase, sampleOf } from '../../support/gdc';

const EXPORT = `query X($project: String!, $ids: [ID!]!, $format: DocumentFormat, $withChildren: Boolean) {
  gdcExport(project: $project, ids: $ids, format: $format, withChildren: $withChildren) { entityType format fileName content }
}`;
const MANIFEST = `query M($project: String!, $ids: [ID!]!) { gdcManifest(project: $project, ids: $ids) }`;
const BCR = `mutation B($input: BcrXmlInput!) { submitBcrXml(input: $input) {
  success dryRun message upstreamStatus createdCount updatedCount casesRelatedToCreatedCount transactionalErrors entities { action type id errors { message } } } }`;

/** Export (and the round trip back), the upload manifest and BCR XML through the gateway. */
describe('GDC export, manifest and BCR XML through the gateway', () => {
  let stack: Stack;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    stack = await startStack();
    const r = ok(
      await stack.gql(CREATE, {
        input: {
          source: 'GDC',
          project: 'GDC-INTERNAL',
          entities: [
            guideCase,
            sampleOf('EXP-S1', guideCase.submitter_id),
            sampleOf('EXP-S2', guideCase.submitter_id),
            docs.aliquot('EXP-A1', 'EXP-AN1'),
            docs.portion('EXP-P1', 'EXP-S1'),
            docs.analyte('EXP-AN1', 'EXP-P1'),
            docs.readGroup('EXP-RG1', 'EXP-A1'),
            docs.unalignedReads('EXP-FQ1', 'EXP-RG1', { name: 'reads.fastq', size: 38, md5: '70c48a8a670ed2a02327601a10038d06' }),
          ],
        },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
    for (const e of r.entities) ids.set(e.submitterId, e.id);
  });
  afterAll(() => stack.stop());

  const exportOf = async (vars: Record<string, unknown>) => ok(await stack.gql(EXPORT, { project: 'GDC-INTERNAL', ...vars })).gdcExport;
  const properties = async (list: string[]) =>
    ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids: list })).gdcEntities.map(({ properties: { updated_datetime: _u, ...rest } }: any) => rest);

  it('exports one type as one TSV named as GDC names it', async () => {
    const files = await exportOf({ ids: [ids.get('EXP-S1'), ids.get('EXP-S2')] });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ entityType: 'sample', format: 'TSV', fileName: 'sample.tsv' });
    const lines = files[0].content.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].split('\t')).toEqual(expect.arrayContaining(['type', 'id', 'submitter_id', 'cases.submitter_id']));
  });

  it('exports a case with its children as one file per type (GDC sends a .tar.gz)', async () => {
    const files = await exportOf({ ids: [ids.get(guideCase.submitter_id)], withChildren: true });
    expect(files.map((f: any) => f.entityType).sort()).toEqual(['aliquot', 'analyte', 'case', 'portion', 'read_group', 'sample', 'submitted_unaligned_reads']);
    expect(files.every((f: any) => f.fileName === `${f.entityType}.tsv` && f.format === 'TSV')).toBe(true);
    expect(files.find((f: any) => f.entityType === 'sample').content.trimEnd().split('\n')).toHaveLength(3);
  });

  it('exports JSON as one file holding every entity, keyed by type', async () => {
    const files = await exportOf({ ids: [ids.get(guideCase.submitter_id), ids.get('EXP-S1')], format: 'JSON' });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ entityType: 'case,sample', format: 'JSON', fileName: expect.stringMatching(/^gdc_export_[0-9a-f]+\.json$/) });
    const keyed = JSON.parse(files[0].content);
    expect(keyed.case[0]).toMatchObject({ submitter_id: guideCase.submitter_id, type: 'case' });
    expect(keyed.sample[0].cases).toEqual([{ id: ids.get(guideCase.submitter_id), submitter_id: guideCase.submitter_id }]);
  });

  it('round trip: everything exported as TSV and submitted back as a PUT changes nothing', async () => {
    const all = [...ids.values()];
    const before = await properties(all);
    const files = await exportOf({ ids: all });
    for (const file of files) {
      const r = ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', document: file.content, format: 'TSV', upsert: true } })).createEntities;
      expect({ type: file.entityType, success: r.success, errors: r.entities.flatMap((e: any) => e.errors) }).toEqual({ type: file.entityType, success: true, errors: [] });
      expect(r).toMatchObject({ createdCount: 0 });
      expect(r.entities.every((e: any) => e.action === 'update')).toBe(true);
    }
    expect(await properties(all)).toEqual(before);
  });

  it('sends a long list of ids in a POST body instead of the URL', async () => {
    const log = stack.sandbox.gdc!.requests;
    const unknown = Array.from({ length: 150 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const before = log.count({ method: 'POST', pathPrefix: '/v0/submission/GDC/INTERNAL/export' });
    const files = await exportOf({ ids: [ids.get('EXP-S1'), ...unknown] });
    expect(files.map((f: any) => f.entityType)).toEqual(['sample']);
    expect(log.count({ method: 'POST', pathPrefix: '/v0/submission/GDC/INTERNAL/export' })).toBe(before + 1);
  });

  it('says which ids GDC cannot find', async () => {
    const res = await stack.gql(EXPORT, { project: 'GDC-INTERNAL', ids: ['00000000-0000-4000-8000-000000000000'] });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'GDC', upstreamStatus: 404 });
  });

  it('gives the upload manifest of data files as YAML, and refuses other entities', async () => {
    const text = ok(await stack.gql(MANIFEST, { project: 'GDC-INTERNAL', ids: [ids.get('EXP-FQ1')] })).gdcManifest;
    const manifest = yaml.load(text) as { files: Record<string, unknown>[] };
    expect(manifest.files).toEqual([
      expect.objectContaining({ id: ids.get('EXP-FQ1'), file_name: 'reads.fastq', local_file_path: 'reads.fastq', md5sum: '70c48a8a670ed2a02327601a10038d06', file_size: 38 }),
    ]);
    const refused = await stack.gql(MANIFEST, { project: 'GDC-INTERNAL', ids: [ids.get('EXP-S1')] });
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringContaining(`sample ${ids.get('EXP-S1')} is not a data file.`), extensions: { code: 'BAD_USER_INPUT', upstreamStatus: 400 } });
  });

  describe('BCR XML', () => {
    // bcr_example1.xml (sheepdog's test data): patient TCGA-AR-A1AR with two samples and the tree below them.
    const xml = fs.readFileSync(dataPath('gdc', 'bcr-xml-samples', 'bcr_example1.xml'));
    const PATIENT = 'eda6d2d5-4199-4f76-a45b-1d0401b4e54c';
    const SAMPLES = { '5fa9998b-deff-493e-8a8e-dc2422192a48': 'TCGA-AR-A1AR-01A', 'c1e5beaa-6103-409d-bdd4-a86c0f210014': 'TCGA-AR-A1AR-10A' };

    beforeAll(async () => {
      // The dictionary wants more of a case and a sample than TCGA XML carries: they exist first, as at GDC.
      const kase = { ...caseOf('TCGA-AR-A1AR', 'TCGA-LUAD'), id: PATIENT };
      const samples = Object.entries(SAMPLES).map(([id, sid]) => ({ ...sampleOf(sid, 'TCGA-AR-A1AR'), id }));
      const r = ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'TCGA-LUAD', entities: [kase, ...samples] } })).createEntities;
      if (!r.success) throw new Error(JSON.stringify(r));
    });

    const submit = (input: Record<string, unknown>) =>
      gqlWithFile(stack.gateway.graphqlUrl, BCR, { input: { project: 'TCGA-LUAD', kind: 'BIOSPECIMEN', file: null, ...input } }, 'variables.input.file', {
        name: 'bcr_example1.xml',
        bytes: xml,
      });

    it('dry-runs an uploaded file: the tree converted, nothing written', async () => {
      const r = ok<any>(await submit({ dryRun: true })).submitBcrXml;
      expect(r).toMatchObject({ success: true, dryRun: true, message: DRY_RUN_MESSAGE, upstreamStatus: 200 });
      expect(r.entities.filter((e: any) => e.type === 'aliquot')).toHaveLength(11);
      expect(ok(await stack.gql(ENTITIES, { project: 'TCGA-LUAD', ids: ['05c45162-6c94-4a15-accc-b6239451064c'] })).gdcEntities).toEqual([null]);
    });

    it('submits it: entities created under the existing case', async () => {
      const r = ok<any>(await submit({})).submitBcrXml;
      expect(r).toMatchObject({ success: true, createdCount: 19, updatedCount: 3, casesRelatedToCreatedCount: 1 });
      const [aliquot] = ok(await stack.gql(ENTITIES, { project: 'TCGA-LUAD', ids: ['05c45162-6c94-4a15-accc-b6239451064c'] })).gdcEntities;
      expect(aliquot.properties).toMatchObject({ submitter_id: 'TCGA-AR-A1AR-01A-31D-A133-02', type: 'aliquot' });
    });

    it('passes GDC’s parse error back in the result', async () => {
      const broken = fs.readFileSync(dataPath('gdc', 'bcr-xml-samples', 'bcr_invalid_structure.xml'), 'utf8');
      const r = ok(await stack.gql(BCR, { input: { project: 'TCGA-LUAD', kind: 'BIOSPECIMEN', document: broken } })).submitBcrXml;
      expect(r).toMatchObject({ success: false, upstreamStatus: 400, message: expect.stringMatching(/^Unable to parse xml: /), transactionalErrors: [r.message] });
      const both = await stack.gql(BCR, { input: { project: 'TCGA-LUAD', kind: 'CLINICAL' } });
      expect(both.errors?.[0].message).toBe('Give exactly one of document or file');
    });
  });
});
