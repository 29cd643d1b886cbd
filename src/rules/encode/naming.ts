/**
 * How encoded names a type. A profile (`human_donor`, the schema file's name, which is also the
 * item_type for all but one type) has a type name (`HumanDonor`, the Python class, first in a
 * record's `@type`) and a collection (`human-donors`, the first segment of its `@id`). encoded
 * declares each per class; most follow the rules below, the rest are listed (checked against
 * encoded's own declarations in data/encode/type-names.tsv).
 */

interface Irregular {
  name?: string;
  collection?: string;
  /** encoded's item_type when it is not the profile name. */
  itemType?: string;
}

const IRREGULAR: Record<string, Irregular> = {
  antibody_lot: { collection: 'antibodies' },
  publication_data: { collection: 'publication-data' },
  software: { collection: 'software' },
  file_set: { collection: 'file-set' },
  chipseq_filter_quality_metric: { name: 'ChipSeqFilterQualityMetric' },
  histone_chipseq_quality_metric: { name: 'HistoneChipSeqQualityMetric' },
  idr_quality_metric: { name: 'IDRQualityMetric' },
  chip_alignment_samstat_quality_metric: { name: 'ChipAlignmentQualityMetric', collection: 'chip-alignment-quality-metrics' },
  atac_library_complexity_quality_metric: { name: 'AtacLibraryQualityMetric', collection: 'atac-library-quality-metrics' },
  sc_atac_counts_summary_quality_metric: { collection: 'sc-atac-counts-summary-quality-metric' },
  star_solo_quality_metric: { collection: 'star-solo-quality-metric' },
  scrna_seq_counts_summary_quality_metric: { collection: 'scrna-seq-counts-summary-quality-metric' },
  segway_quality_metric: { collection: 'segway-quality-metric' },
  rna_expression: { name: 'RNAExpression', itemType: 'rna-expression' },
};

const PROFILE_BY_NAME = new Map(Object.entries(IRREGULAR).flatMap(([p, i]) => (i.name ? [[i.name, p] as const] : [])));
const PROFILE_BY_COLLECTION = new Map(Object.entries(IRREGULAR).flatMap(([p, i]) => (i.collection ? [[i.collection, p] as const] : [])));
const PROFILE_BY_ITEM_TYPE = new Map(Object.entries(IRREGULAR).flatMap(([p, i]) => (i.itemType ? [[i.itemType, p] as const] : [])));

/** `human_donor` → `HumanDonor`. */
export function typeName(profile: string): string {
  return IRREGULAR[profile]?.name ?? profile.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** `human_donor` → `human-donors`. */
export function collectionName(profile: string): string {
  const irregular = IRREGULAR[profile]?.collection;
  if (irregular) return irregular;
  const parts = profile.split('_');
  parts[parts.length - 1] = plural(parts[parts.length - 1]);
  return parts.join('-');
}

/** The profile of a type name: `HumanDonor` → `human_donor`, `IDRQualityMetric` → `idr_quality_metric`. */
export function profileOfTypeName(name: string): string {
  return PROFILE_BY_NAME.get(name) ?? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The profile of a collection: `human-donors` → `human_donor`, `antibodies` → `antibody_lot`. */
export function profileOfCollection(collection: string): string {
  const irregular = PROFILE_BY_COLLECTION.get(collection);
  if (irregular) return irregular;
  const parts = collection.split('-');
  parts[parts.length - 1] = singular(parts[parts.length - 1]);
  return parts.join('_');
}

/** The profile encoded's item_type names (they differ only for `rna-expression`). */
export function profileOfItemType(itemType: string): string {
  return PROFILE_BY_ITEM_TYPE.get(itemType) ?? itemType;
}

/** encoded's item_type of a profile (`rna_expression` → `rna-expression`). */
export function itemTypeOfProfile(profile: string): string {
  return IRREGULAR[profile]?.itemType ?? profile;
}

/**
 * The profile a record belongs to, from its `@type` (the concrete type name comes first) or else
 * its `@id` collection; never from case conversion of a name that may hold an acronym.
 */
export function profileOfRecord(record: { '@type'?: unknown; '@id'?: unknown }): string | null {
  const types = record['@type'];
  if (Array.isArray(types) && typeof types[0] === 'string' && types[0] !== 'Item') return profileOfTypeName(types[0]);
  const id = record['@id'];
  if (typeof id === 'string') {
    const collection = id.split('/').filter(Boolean)[0];
    if (collection) return profileOfCollection(collection);
  }
  return null;
}

function plural(word: string): string {
  if (word.endsWith('series') || word.endsWith('data') || word === 'software') return word;
  if (word.endsWith('sis')) return `${word.slice(0, -3)}ses`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

function singular(word: string): string {
  if (word.endsWith('series') || word.endsWith('data') || word === 'software') return word;
  if (word.endsWith('yses')) return `${word.slice(0, -2)}is`;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}
