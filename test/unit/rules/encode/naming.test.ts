import fs from 'node:fs';
import {
  collectionName,
  itemTypeOfProfile,
  profileOfCollection,
  profileOfItemType,
  profileOfRecord,
  profileOfTypeName,
  typeName,
} from '../../../../src/rules/encode/naming';
import { dataPath } from '../../../../src/sandbox/shared/paths';

/** Every type encoded declares: collection, class, item_type, schema (data/encode/type-names.tsv). */
const declared = fs
  .readFileSync(dataPath('encode', 'type-names.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#') && !l.startsWith('collection\t'))
  .map((l) => {
    const [collection, name, itemType, profile] = l.split('\t');
    return { collection, name, itemType: itemType === '-' ? profile : itemType, profile };
  });

describe('encoded names, checked against every type encoded declares', () => {
  it('has them all', () => {
    expect(declared.length).toBe(126);
    // Every profile file of data/encode/profiles is a declared type, and the reverse.
    const files = fs.readdirSync(dataPath('encode', 'profiles')).filter((f) => f.endsWith('.json') && !['mixins.json', 'namespaces.json'].includes(f));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(declared.map((d) => d.profile).sort());
  });

  it.each(declared.map((d) => [d.profile, d.name, d.collection, d.itemType]))('%s is %s in %s (item_type %s)', (profile, name, collection, itemType) => {
    expect(typeName(profile)).toBe(name);
    expect(collectionName(profile)).toBe(collection);
    expect(profileOfTypeName(name)).toBe(profile);
    expect(profileOfCollection(collection)).toBe(profile);
    expect(itemTypeOfProfile(profile)).toBe(itemType);
    expect(profileOfItemType(itemType)).toBe(profile);
  });

  it('takes a record profile from @type, not from case conversion of an acronym, else from its @id', () => {
    expect(profileOfRecord({ '@type': ['IDRQualityMetric', 'QualityMetric', 'Item'] })).toBe('idr_quality_metric');
    expect(profileOfRecord({ '@type': ['HicQualityMetric', 'QualityMetric', 'Item'] })).toBe('hic_quality_metric');
    expect(profileOfRecord({ '@type': ['RNAExpression', 'Item'] })).toBe('rna_expression');
    expect(profileOfRecord({ '@type': ['ChipAlignmentQualityMetric', 'QualityMetric', 'Item'] })).toBe('chip_alignment_samstat_quality_metric');
    expect(profileOfRecord({ '@id': '/antibodies/ENCAB000AAA/' })).toBe('antibody_lot');
    expect(profileOfRecord({ '@id': '/file-set/x/' })).toBe('file_set');
    expect(profileOfRecord({})).toBeNull();
  });
});
