import type { Dictionary } from './model';

/**
 * A rank per node type such that every link target ranks below the types that link to it: case
 * before sample before aliquot before read_group. Submitting in rank order puts parents first,
 * so a transaction never links to an entity a later one creates. Self-links (sample →
 * parent_samples) and cycles cannot be ordered by type and are ignored.
 */
export function parentFirstRanks(dictionary: Dictionary): Map<string, number> {
  const ranks = new Map<string, number>();
  const visiting = new Set<string>();
  const rank = (type: string): number => {
    const known = ranks.get(type);
    if (known !== undefined) return known;
    if (visiting.has(type)) return -1; // a cycle: this edge gives no order
    visiting.add(type);
    let r = 0;
    for (const link of dictionary.get(type)?.linkByName.values() ?? []) {
      if (link.target_type !== type) r = Math.max(r, rank(link.target_type) + 1);
    }
    visiting.delete(type);
    ranks.set(type, r);
    return r;
  };
  for (const type of [...dictionary.typeNames()].sort()) rank(type);
  return ranks;
}
