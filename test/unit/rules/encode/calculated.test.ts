import { biosampleDefines, biosampleSummary } from '../../../../src/rules/encode/biosample-summary';
import { calculatedProperties } from '../../../../src/rules/encode/calculated';
import type { Json } from '../../../../src/rules/encode/profiles';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { dataPath } from '../../../../src/sandbox/shared/paths';

/** Linked records by uuid, as the portal's database holds them (links as uuids). */
const linked: Record<string, Json> = {
  human: { scientific_name: 'Homo sapiens' },
  mouse: { scientific_name: 'Mus musculus' },
  k562: { term_name: 'K562', classification: 'cell line' },
  liver: { term_name: 'liver', classification: 'tissue' },
  forebrain: { term_name: 'forebrain', classification: 'tissue' },
  whole: { term_name: 'multi-cellular organism', classification: 'whole organisms' },
  hepg2: { term_name: 'HepG2', classification: 'cell line' },
  'donor-f53': { sex: 'female', age: '53', age_units: 'year', life_stage: 'adult' },
  'donor-m37': { sex: 'male', age: '37', age_units: 'year', life_stage: 'adult', health_status: 'healthy' },
  'donor-mouse': { strain_name: 'C57BL/6', genotype: 'wild type.', genetic_modifications: ['gm-insert'] },
  doxorubicin: { amount: 10, amount_units: 'μM', treatment_term_name: 'doxorubicin', duration: 24, duration_units: 'hour' },
  estradiol: { amount: 1, amount_units: 'nM', treatment_term_name: 'estradiol', treatment_type_details: 'in ethanol', duration: 1, duration_units: 'hour' },
  'bs-from-hepg2': { biosample_ontology: 'hepg2' },
  ctcf: { symbol: 'CTCF', organism: 'human' },
  'target-ctcf': { label: 'CTCF', genes: ['ctcf'] },
  'gm-tag': { category: 'insertion', method: 'stable transfection', modified_site_by_target_id: 'target-ctcf', introduced_tags: [{ location: 'C-terminal', name: 'eGFP' }] },
  'gm-crispr': { category: 'CRISPRi', method: 'CRISPR (sgRNA)' },
  'gm-insert': { category: 'insertion', method: 'site-specific recombination', introduced_gene: 'ctcf' },
};
const lookup = (uuid: string) => linked[uuid];
const summary = (props: Json) => biosampleSummary(props, biosampleDefines(props, lookup), lookup);

describe("encoded's biosample summary", () => {
  it('a cell line: organism and term, no sex or age (encoded leaves them out for cell lines)', () => {
    expect(summary({ organism: 'human', donor: 'donor-f53', biosample_ontology: 'k562' })).toBe('Homo sapiens K562 cell line');
  });

  it('a tissue: sex, life stage and age from the human donor, the term not repeating its type', () => {
    expect(summary({ organism: 'human', donor: 'donor-m37', biosample_ontology: 'liver' })).toBe('Homo sapiens male adult (37 years) liver tissue');
  });

  it('a model organism: strain and genotype from the donor, sex/stage/age from the model organism fields, embryonic as embryo', () => {
    const props = { organism: 'mouse', donor: 'donor-mouse', biosample_ontology: 'forebrain', model_organism_sex: 'female', model_organism_age: '11.5', model_organism_age_units: 'day', fly_life_stage: 'embryonic' };
    // The donor's modification joins the biosample's (model_organism_donor_modifications).
    expect(summary(props)).toBe(
      'Mus musculus strain C57BL/6 (wild type) female embryo (11.5 days) forebrain tissue genetically modified (insertion) using site-specific recombination inserting H. sapiens CTCF',
    );
  });

  it("a whole organism, with 'whole organisms' as its term and no type", () => {
    expect(summary({ organism: 'human', biosample_ontology: 'whole' })).toBe('Homo sapiens whole organisms');
  });

  it('treatments (after a time), fractions, depletion, phase, preservation and pulse-chase in the sentence order, comma parts with a comma', () => {
    const props = {
      organism: 'human',
      donor: 'donor-f53',
      biosample_ontology: 'k562',
      treatments: ['doxorubicin', 'estradiol'],
      post_treatment_time: 2,
      post_treatment_time_units: 'hour',
      subcellular_fraction_term_name: 'nucleus',
      depleted_in_term_name: ['head', 'testis'],
      phase: 'G1',
      preservation_method: 'cryopreservation',
      pulse_chase_time: 30,
      pulse_chase_time_units: 'minute',
    };
    expect(summary(props)).toBe(
      'Homo sapiens K562 cell line 2 hours after the sample was treated with 10 μM doxorubicin for 24 hours, 1 nM estradiol (in ethanol) for 1 hour, subjected to a 30 minute pulse-chase, preserved by cryopreservation depleted in head, testis G1 phase nuclear fraction',
    );
    expect(summary({ ...props, treatments: ['estradiol'], post_treatment_time: undefined, pulse_chase_time: undefined, preservation_method: undefined, phase: undefined, subcellular_fraction_term_name: undefined, depleted_in_term_name: undefined })).toBe(
      'Homo sapiens K562 cell line treated with 1 nM estradiol (in ethanol) for 1 hour',
    );
  });

  it('originated from another term, and modifications sorted (tags, CRISPR guides)', () => {
    const props = { organism: 'human', donor: 'donor-f53', biosample_ontology: 'k562', originated_from: 'bs-from-hepg2', genetic_modifications: ['gm-tag', 'gm-crispr'] };
    expect(summary(props)).toBe('Homo sapiens K562 cell line genetically modified using CRISPRi (sgRNA), stably expressing C-terminal eGFP-tagged CTCF originated from HepG2');
  });

  it('the donor-derived properties: human from the donor, model organisms from their own fields, unknown when nothing says', () => {
    expect(biosampleDefines({ organism: 'human', donor: 'donor-m37' }, lookup)).toEqual({ sex: 'male', age: '37', age_units: 'year', health_status: 'healthy', life_stage: 'adult' });
    expect(biosampleDefines({ organism: 'human' }, lookup)).toEqual({ sex: 'unknown', age: 'unknown', life_stage: 'unknown' });
    expect(biosampleDefines({ organism: 'human', donor: 'donor-m37', sample_collection_age: '38', sample_collection_age_units: 'year' }, lookup)).toMatchObject({ age: '38', age_units: 'year' });
    expect(biosampleDefines({ organism: 'mouse', donor: 'donor-mouse', model_organism_sex: 'female', worm_life_stage: 'L1' }, lookup)).toEqual({
      sex: 'female',
      age: 'unknown',
      life_stage: 'L1',
      model_organism_donor_modifications: ['gm-insert'],
    });
  });
});

describe('calculated properties of a record, by its profile', () => {
  const profiles = new ProfileRegistry(dataPath('encode', 'profiles'));
  const file = profiles.get('file')!.schema;

  it("a file's title and download href (its @id, @@download, the accession and the format's extension)", () => {
    const props = { accession: 'ENCFF001ABC', file_format: 'fastq', read_length: 100 };
    expect(calculatedProperties('file', props, { atId: '/files/ENCFF001ABC/', schema: file, lookup })).toEqual({
      title: 'ENCFF001ABC',
      href: '/files/ENCFF001ABC/@@download/ENCFF001ABC.fastq.gz',
      read_length_units: 'nt',
    });
    const external = calculatedProperties('file', { external_accession: 'SRR000001', file_format: 'bam' }, { atId: '/files/SRR000001/', schema: file, lookup });
    expect(external).toEqual({ title: 'SRR000001', href: '/files/SRR000001/@@download/SRR000001.bam' });
  });

  it('are declared in the served profiles as calculated (so a submission of one is refused), with their titles', () => {
    expect(file.properties.href).toMatchObject({ title: 'Download URL', type: 'string', calculatedProperty: true });
    expect(profiles.get('biosample')!.schema.properties.summary).toEqual({ title: 'Summary', type: 'string', calculatedProperty: true });
    expect(calculatedProperties('user', { first_name: 'Ada', last_name: 'Lovelace' }, { atId: '/users/x/', schema: profiles.get('user')!.schema, lookup })).toEqual({ title: 'Ada Lovelace' });
    expect(calculatedProperties('lab', { name: 'x' }, { atId: '/labs/x/', schema: profiles.get('lab')!.schema, lookup })).toEqual({});
  });
});
