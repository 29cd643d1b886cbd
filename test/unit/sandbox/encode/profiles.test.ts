import { collectionName, typeName } from '../../../../src/rules/encode/naming';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { biosampleTypeName, targetName, uniqueKeys } from '../../../../src/sandbox/encode/store';
import { dataPath } from '../../../../src/sandbox/shared/paths';

describe('encoded names', () => {
  it.each([
    ['biosample', 'Biosample', 'biosamples'],
    ['human_donor', 'HumanDonor', 'human-donors'],
    ['biosample_type', 'BiosampleType', 'biosample-types'],
    ['library', 'Library', 'libraries'],
    ['analysis', 'Analysis', 'analyses'],
    ['antibody_lot', 'AntibodyLot', 'antibodies'],
    ['publication_data', 'PublicationData', 'publication-data'],
    ['treatment_time_series', 'TreatmentTimeSeries', 'treatment-time-series'],
    ['software', 'Software', 'software'],
  ])('%s is type %s in collection %s', (itemType, name, collection) => {
    expect(typeName(itemType)).toBe(name);
    expect(collectionName(itemType)).toBe(collection);
  });
});

describe('ProfileRegistry on the real profiles', () => {
  const registry = new ProfileRegistry(dataPath('encode', 'profiles'));

  it('serves every profile but mixins and namespaces', () => {
    expect(registry.get('mixins')).toBeUndefined();
    expect(registry.get('biosample')).toBe(registry.get('Biosample'));
    expect(registry.get('biosamples')).toBe(registry.get('biosample'));
  });

  it("merges mixins key by key, the schema's own keys last", () => {
    const { properties } = registry.get('human_donor')!.schema;
    // donor.json#/properties brings the DO accession type; the mixin's format stays.
    expect(properties.accession).toMatchObject({ accessionType: 'DO', format: 'accession', serverDefault: 'accession' });
    expect(properties.organism.linkEnum).toEqual(['7745b647-ff15-4ff3-9ced-b897d4e2983c']);
    expect(registry.get('human_donor')!.schema.mixinProperties).toBeUndefined();
  });

  it('takes `<file>.json#/properties` as written, without the mixins of that file', () => {
    // reference.json pulls dataset.json's status (which allows "archived") and file_set.json's own properties.
    expect(registry.get('reference')!.schema.properties.status.enum).toContain('archived');
  });

  it('knows the hierarchy: bases most specific first, subtypes of abstract types', () => {
    expect(registry.get('matched_set')!.bases).toEqual(['Series', 'Dataset']);
    expect(registry.get('Donor')!.abstract).toBe(true);
    expect(registry.get('Donor')!.subtypes.sort()).toEqual(['FlyDonor', 'HumanDonor', 'ManateeDonor', 'MouseDonor', 'WormDonor']);
    expect(registry.isA('human_donor', 'Donor')).toBe(true);
    expect(registry.isA('biosample', 'Donor')).toBe(false);
  });

  it('reads unique keys from uniqueKey keywords, accessions and calculated names', () => {
    const lab = registry.get('lab')!;
    expect(uniqueKeys(lab, { name: 'jane-doe', title: 'Jane Doe, SBX' }, true)).toEqual([
      ['lab:name', 'jane-doe'],
      ['lab:name', 'Jane Doe, SBX'],
    ]);
    const file = registry.get('file')!;
    const raw = { accession: 'ENCFF000AAA', md5sum: 'a'.repeat(32), output_type: 'reads', status: 'released' };
    expect(uniqueKeys(file, raw, true)).toContainEqual(['alias', `md5:${'a'.repeat(32)}`]);
    expect(uniqueKeys(file, { ...raw, output_type: 'peaks' }, true)).not.toContainEqual(['alias', `md5:${'a'.repeat(32)}`]);
    expect(uniqueKeys(file, { ...raw, status: 'replaced' }, true)).not.toContainEqual(['accession', 'ENCFF000AAA']);
    expect(biosampleTypeName({ classification: 'cell line', term_id: 'EFO:0001203' })).toBe('cell_line_EFO_0001203');
    const lookup = (uuid: string) => ({ g: { organism: 'o' }, o: { name: 'human' } })[uuid];
    expect(targetName({ label: 'CTCF', genes: ['g'] }, lookup)).toBe('CTCF-human');
    expect(targetName({ label: 'FLAG' }, lookup)).toBe('FLAG-synthetic_tag');
  });
});
