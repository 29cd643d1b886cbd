/**
 * How encoded names a type: item_type `human_donor`, type name `HumanDonor`, collection
 * `human-donors`. encoded declares these per Python class; the rules below reproduce its choices.
 */

const COLLECTION_EXCEPTIONS: Record<string, string> = {
  antibody_lot: 'antibodies',
  publication_data: 'publication-data',
  software: 'software',
};

/** Acronyms encoded spells in capitals inside type names. */
const ACRONYMS: Record<string, string> = { idr: 'IDR', rna: 'RNA', hic: 'HiC', ucsc: 'Ucsc' };

export function typeName(itemType: string): string {
  return itemType
    .split('_')
    .map((part) => ACRONYMS[part] ?? part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function collectionName(itemType: string): string {
  if (COLLECTION_EXCEPTIONS[itemType]) return COLLECTION_EXCEPTIONS[itemType];
  const parts = itemType.split('_');
  parts[parts.length - 1] = plural(parts[parts.length - 1]);
  return parts.join('-');
}

function plural(word: string): string {
  if (word.endsWith('series') || word.endsWith('data')) return word;
  if (word.endsWith('sis')) return `${word.slice(0, -3)}ses`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
