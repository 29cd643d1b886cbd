import fs from 'node:fs';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { startGdcEmulator, type GdcEmulator } from '../../support/gdc-emulator';

const sample = (name: string) => fs.readFileSync(dataPath('gdc', 'bcr-xml-samples', name), 'utf8');
const XML = { 'content-type': 'application/xml' };
const DRY_RUN = 'Transaction would have been successful. User selected dry run option, transaction aborted, no data written to database.';

// bcr_example1.xml: patient TCGA-AR-A1AR (BRCA) with two samples, their portions, analytes, aliquots and a slide.
const PATIENT = 'eda6d2d5-4199-4f76-a45b-1d0401b4e54c';
const SAMPLES = { '5fa9998b-deff-493e-8a8e-dc2422192a48': 'TCGA-AR-A1AR-01A', 'c1e5beaa-6103-409d-bdd4-a86c0f210014': 'TCGA-AR-A1AR-10A' };

/** A small TCGA-like biospecimen document of our own: one patient, sample, portion, analyte and aliquot. */
function ownBiospecimen(barcode: string, uuids: { patient: string; sample: string; portion: string; analyte: string; aliquot: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bio:tcga_bcr xmlns:bio="http://tcga.nci/bcr/xml/biospecimen/2.7" xmlns:admin="http://tcga.nci/bcr/xml/administration/2.7" xmlns:shared="http://tcga.nci/bcr/xml/shared/2.7">
  <admin:admin><admin:disease_code>LUAD</admin:disease_code></admin:admin>
  <bio:patient>
    <shared:bcr_patient_barcode>${barcode}</shared:bcr_patient_barcode>
    <shared:bcr_patient_uuid>${uuids.patient.toUpperCase()}</shared:bcr_patient_uuid>
    <shared:tissue_source_site>49</shared:tissue_source_site>
    <bio:samples><bio:sample>
      <bio:sample_type_id>01</bio:sample_type_id>
      <bio:sample_type>Primary Tumor</bio:sample_type>
      <bio:initial_weight>120.5</bio:initial_weight>
      <bio:is_ffpe>YES</bio:is_ffpe>
      <bio:days_to_collection>40000</bio:days_to_collection>
      <bio:bcr_sample_barcode>${barcode}-01A</bio:bcr_sample_barcode>
      <bio:bcr_sample_uuid>${uuids.sample}</bio:bcr_sample_uuid>
      <bio:portions><bio:portion>
        <bio:portion_number>11</bio:portion_number>
        <bio:day_of_creation>2</bio:day_of_creation><bio:month_of_creation>3</bio:month_of_creation><bio:year_of_creation>2012</bio:year_of_creation>
        <bio:bcr_portion_barcode>${barcode}-01A-11</bio:bcr_portion_barcode>
        <bio:bcr_portion_uuid>${uuids.portion}</bio:bcr_portion_uuid>
        <bio:analytes><bio:analyte>
          <bio:analyte_type>DNA</bio:analyte_type>
          <bio:bcr_analyte_barcode>${barcode}-01A-11D</bio:bcr_analyte_barcode>
          <bio:bcr_analyte_uuid>${uuids.analyte}</bio:bcr_analyte_uuid>
          <bio:aliquots><bio:aliquot>
            <bio:bcr_aliquot_barcode>${barcode}-01A-11D-A123-08</bio:bcr_aliquot_barcode>
            <bio:bcr_aliquot_uuid>${uuids.aliquot}</bio:bcr_aliquot_uuid>
            <bio:center_id>08</bio:center_id>
            <bio:concentration>0.17</bio:concentration>
          </bio:aliquot></bio:aliquots>
        </bio:analyte></bio:analytes>
      </bio:portion></bio:portions>
    </bio:sample></bio:samples>
  </bio:patient>
</bio:tcga_bcr>`;
}

describe('GDC emulator: BCR XML (real dictionary, GDC mapping rules)', () => {
  let gdc: GdcEmulator;

  beforeAll(async () => {
    gdc = await startGdcEmulator({ projects: ['GDC-INTERNAL', 'TCGA-BRCA', 'TCGA-LUAD'] });
  });
  afterAll(() => gdc.stop());

  const entity = async (base: string, id: string) => (await gdc.call('GET', `${base}/entities/${id}`)).json.entities?.[0]?.properties;

  describe('biospecimen', () => {
    const BASE = '/v0/submission/TCGA/BRCA';

    beforeAll(async () => {
      // The dictionary wants more of a case and a sample than TCGA XML carries: they exist before the XML, as in GDC.
      const res = await gdc.call('PUT', BASE, [
        { type: 'case', id: PATIENT, submitter_id: 'TCGA-AR-A1AR', disease_type: 'Ductal and Lobular Neoplasms', primary_site: 'Breast', projects: { code: 'BRCA' } },
        ...Object.entries(SAMPLES).map(([id, submitter_id]) => ({
          type: 'sample',
          id,
          submitter_id,
          tissue_type: 'Tumor',
          preservation_method: 'Frozen',
          specimen_type: 'Solid Tissue',
          tumor_descriptor: 'Primary',
          cases: { id: PATIENT },
        })),
      ]);
      if (res.status !== 200) throw new Error(res.text);
    });

    it('dry-runs the sample document: the whole tree converted, nothing written', async () => {
      const res = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr/_dry_run`, sample('bcr_example1.xml'), XML);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ success: true, message: DRY_RUN, entity_error_count: 0 });
      const counts: Record<string, number> = {};
      for (const e of res.json.entities) counts[`${e.type}:${e.action}`] = (counts[`${e.type}:${e.action}`] ?? 0) + 1;
      expect(counts).toEqual({ 'aliquot:create': 11, 'analyte:create': 5, 'portion:create': 2, 'sample:update': 2, 'case:update': 1, 'slide:create': 1 });
      expect(await entity(BASE, '05c45162-6c94-4a15-accc-b6239451064c')).toBeUndefined();
      const log = gdc.sandbox.service.logs.get(res.json.transaction_id)!;
      expect([log.role, log.is_dry_run, log.documents[0].doc_format]).toEqual(['update', true, 'XML']);
    });

    it('submits it as an upsert: XML uuids become entity ids, values cast by the mapping, parents linked by uuid', async () => {
      const res = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr/`, sample('bcr_example1.xml'), XML);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ success: true, created_entity_count: 19, updated_entity_count: 3, cases_related_to_created_entities_count: 1 });
      const aliquot = await entity(BASE, '05c45162-6c94-4a15-accc-b6239451064c');
      expect(aliquot).toMatchObject({ submitter_id: 'TCGA-AR-A1AR-01A-31D-A133-02', source_center: '23', concentration: 0.16 });
      expect(aliquot.analytes).toEqual([{ id: '3febc6c8-85ae-4d38-ba55-c959959846db', submitter_id: expect.any(String) }]);
      // A center is linked only when GDC has it: the sandbox has none, so the link is left out.
      expect(aliquot.centers).toEqual([]);
      const portion = await entity(BASE, '40407260-e805-4c2e-b2a7-13862bc5e494');
      expect(portion).toMatchObject({ submitter_id: 'TCGA-AR-A1AR-01A-31', portion_number: '31', weight: 30, is_ffpe: false, creation_datetime: Date.UTC(2011, 1, 15) / 1000 });
      const tumor = await entity(BASE, '5fa9998b-deff-493e-8a8e-dc2422192a48');
      expect(tumor).toMatchObject({ sample_type: 'Primary Tumor', sample_type_id: '01', oct_embedded: 'true', initial_weight: 250, specimen_type: 'Solid Tissue' });
      const kase = await entity(BASE, PATIENT);
      expect(kase.projects).toEqual([{ id: expect.any(String), submitter_id: null }]);
      expect(kase.disease_type).toBe('Ductal and Lobular Neoplasms');
    });

    it('submitted again, updates every entity (the guide’s second command)', async () => {
      const res = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr`, sample('bcr_example1.xml'), XML);
      expect(res.json).toMatchObject({ success: true, created_entity_count: 0, updated_entity_count: 22, cases_related_to_updated_entities_count: 1 });
      expect(res.json.entities.every((e: any) => e.action === 'update' && e.related_cases[0]?.id === (e.type === 'case' ? undefined : PATIENT))).toBe(true);
    });

    it('answers GDC’s parse errors for broken XML and values the mapping cannot cast', async () => {
      const structure = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr`, sample('bcr_invalid_structure.xml'), XML);
      expect([structure.status, structure.json]).toEqual([400, { message: 'Unable to parse xml: unexpected < in tag name' }]);
      const value = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr`, sample('bcr_invalid1.xml'), XML);
      expect([value.status, value.json.message]).toEqual([400, 'Unable to parse xml: sample: 5fa9998b-deff-493e-8a8e-dc2422192a48: is_ffpe: Cannot convert maybe? to boolean']);
      const unclosed = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr/_dry_run`, '<bio:tcga_bcr xmlns:bio="x"><bio:patient>', XML);
      expect([unclosed.status, unclosed.json.message]).toEqual([400, 'Unable to parse xml: unclosed xml tag(s): bio:tcga_bcr, bio:patient, line 1, column 29']);
      const empty = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr`, '', XML);
      expect(empty.json.message).toMatch(/^Unable to parse xml: Document is empty/);
    });
  });

  it('converts a TCGA-like document of our own into a new case tree (after the case exists), casting and capping values', async () => {
    const BASE = '/v0/submission/TCGA/LUAD';
    const uuids = {
      patient: '0b1d0c4e-8f57-4d4b-9a3c-2f0e0a000001',
      sample: '0b1d0c4e-8f57-4d4b-9a3c-2f0e0a000002',
      portion: '0b1d0c4e-8f57-4d4b-9a3c-2f0e0a000003',
      analyte: '0b1d0c4e-8f57-4d4b-9a3c-2f0e0a000004',
      aliquot: '0b1d0c4e-8f57-4d4b-9a3c-2f0e0a000005',
    };
    const xml = ownBiospecimen('TCGA-49-0001', uuids);
    // Alone, the case and the sample lack what the dictionary requires and nothing is written.
    const alone = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr`, xml, XML);
    expect(alone.status).toBe(400);
    const missing = alone.json.entities.filter((e: any) => e.type === 'case' || e.type === 'sample').map((e: any) => [e.type, e.errors.map((x: any) => x.message).sort()]);
    expect(missing).toEqual([
      ['sample', ["'preservation_method' is a required property", "'specimen_type' is a required property", "'tumor_descriptor' is a required property"]],
      ['case', ["'disease_type' is a required property", "'primary_site' is a required property"]],
    ]);
    expect(await entity(BASE, uuids.aliquot)).toBeUndefined();
    await gdc.call('PUT', BASE, { type: 'case', id: uuids.patient, submitter_id: 'TCGA-49-0001', disease_type: 'Adenomas and Adenocarcinomas', primary_site: 'Bronchus and lung', projects: { code: 'LUAD' } });
    await gdc.call('PUT', BASE, { type: 'sample', id: uuids.sample, submitter_id: 'TCGA-49-0001-01A', tissue_type: 'Tumor', preservation_method: 'Frozen', specimen_type: 'Solid Tissue', tumor_descriptor: 'Primary', cases: { id: uuids.patient } });
    const res = await gdc.call('PUT', `${BASE}/xml/biospecimen/bcr`, xml, XML);
    expect([res.status, res.json.created_entity_count, res.json.updated_entity_count]).toEqual([200, 3, 2]);
    const s = await entity(BASE, uuids.sample);
    expect(s).toMatchObject({ is_ffpe: true, initial_weight: 120.5, days_to_collection: 32872 });
    expect(await entity(BASE, uuids.aliquot)).toMatchObject({ submitter_id: 'TCGA-49-0001-01A-11D-A123-08', concentration: 0.17 });
    expect((await entity(BASE, uuids.analyte)).portions).toEqual([{ id: uuids.portion, submitter_id: 'TCGA-49-0001-01A-11' }]);
    expect((await entity(BASE, uuids.portion)).creation_datetime).toBe(Date.UTC(2012, 2, 2) / 1000);
    // The patient uuid was upper-case in the XML: ids are lower-cased, so it is the same case.
    expect((await entity(BASE, uuids.patient)).submitter_id).toBe('TCGA-49-0001');
  });

  describe('clinical', () => {
    const BASE = '/v0/submission/TCGA/LUAD';
    const LUAD_PATIENT = '5813997a-d7dc-4f7c-8d4b-e979832168a9';

    beforeAll(async () => {
      const res = await gdc.call('PUT', BASE, {
        type: 'case',
        id: LUAD_PATIENT,
        submitter_id: 'TCGA-49-AAR3',
        disease_type: 'Adenomas and Adenocarcinomas',
        primary_site: 'Bronchus and lung',
        projects: { code: 'LUAD' },
      });
      if (res.status !== 200) throw new Error(res.text);
    });

    it('converts demographic, diagnosis, exposure and treatment; a new diagnosis lacks what 3.0.3 requires', async () => {
      const res = await gdc.call('PUT', `${BASE}/xml/clinical/bcr/_dry_run`, sample('clinical1.xml'), XML);
      expect([res.status, res.json.success]).toEqual([200, false]);
      expect(res.json.entities.map((e: any) => e.type)).toEqual(['demographic', 'diagnosis', 'exposure', 'treatment']);
      const diagnosis = res.json.entities[1];
      expect(diagnosis.errors.map((e: any) => [e.type, e.message])).toEqual([['MISSING_PROPERTY', "'diagnosis_is_primary_disease' is a required property"]]);
      // The treatment points at that diagnosis, which therefore is not there to link to.
      expect(res.json.entities.map((e: any) => e.valid)).toEqual([true, false, true, false]);
      expect(res.json.entities[3].errors[0].type).toBe('INVALID_LINK');
    });

    it('with the diagnosis registered first, creates and updates them all, values mapped and cased as the dictionary spells them', async () => {
      const dry = await gdc.call('PUT', `${BASE}/xml/clinical/bcr/_dry_run`, sample('clinical1.xml'), XML);
      const diagnosisId = dry.json.entities[1].id;
      const first = await gdc.call('PUT', BASE, {
        type: 'diagnosis',
        id: diagnosisId,
        submitter_id: 'TCGA-49-AAR3_diagnosis',
        age_at_diagnosis: 100,
        morphology: '8140/3',
        primary_diagnosis: 'Adenocarcinoma, NOS',
        diagnosis_is_primary_disease: true,
        site_of_resection_or_biopsy: 'Lung, NOS',
        tissue_or_organ_of_origin: 'Lung, NOS',
        cases: { id: LUAD_PATIENT },
      });
      expect(first.status).toBe(200);
      const res = await gdc.call('PUT', `${BASE}/xml/clinical/bcr`, sample('clinical1.xml'), XML);
      expect([res.status, res.json.created_entity_count, res.json.updated_entity_count]).toEqual([200, 3, 1]);
      const [demographic, diagnosis, , treatment] = res.json.entities;
      expect(await entity(BASE, demographic.id)).toMatchObject({
        submitter_id: 'TCGA-49-AAR3_demographic',
        gender: 'male',
        race: 'black or african american',
        vital_status: 'Alive',
        days_to_birth: -25469,
        cases: [{ id: LUAD_PATIENT, submitter_id: 'TCGA-49-AAR3' }],
      });
      expect(await entity(BASE, diagnosis.id)).toMatchObject({
        age_at_diagnosis: 25469,
        days_to_last_follow_up: 1893,
        prior_malignancy: 'no',
        tumor_grade: 'Not Reported',
        ajcc_pathologic_stage: 'Stage IIB',
        diagnosis_is_primary_disease: true,
      });
      expect((await entity(BASE, treatment.id)).diagnoses).toEqual([{ id: diagnosisId, submitter_id: 'TCGA-49-AAR3_diagnosis' }]);
    });

    it('commits a dry run of XML as the merging upsert it was', async () => {
      const dry = await gdc.call('PUT', `${BASE}/xml/clinical/bcr/_dry_run`, sample('clinical1.xml'), XML);
      expect(dry.json.success).toBe(true);
      const commit = await gdc.call('POST', `${BASE}/transactions/${dry.json.transaction_id}/commit`);
      expect([commit.status, commit.json.success, commit.json.updated_entity_count]).toEqual([200, true, 4]);
      // The diagnosis kept what only the JSON gave it.
      expect((await entity(BASE, dry.json.entities[1].id)).diagnosis_is_primary_disease).toBe(true);
    });

    it('refuses a document whose patient is missing', async () => {
      const res = await gdc.call('PUT', `${BASE}/xml/clinical/bcr`, '<luad:tcga_bcr xmlns:luad="x"/>', XML);
      expect([res.status, res.json.message]).toEqual([400, "Unable to parse xml: Can't find xml root //*[local-name()='patient']"]);
    });
  });
});
