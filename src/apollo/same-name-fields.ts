import { type ASTVisitor, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * Why these limits exist: graphql-js's OverlappingFieldsCanBeMergedRule compares every pair of
 * fields answering under one response key in a selection set, and every pair of fragments spread
 * in it. 1,000 `organismsConnection(first: i)` in one set (40 KB, well under MAX_TOKENS) blocked
 * the event loop for 0.4-1.9 s. This pass counts both in time linear in the document, so that a
 * document beyond them is refused before the quadratic rule ever sees it.
 */
export interface SelectionCounts {
  /** The most fields under one response key (alias or name) in one selection set. */
  sameName: { key: string; count: number };
  /** The most distinct fragments spread in one selection set (its inline fragments included). */
  spreads: number;
}

interface Flattened {
  keys: Map<string, number>;
  max: number;
}

/**
 * Fields per response key in a selection set, flattened as graphql-js collects them: inline
 * fragments and fragment spreads merged in, each fragment once per set. A fragment's own
 * flattened counts are computed once per document, so the pass stays linear however often it is
 * spread; cycles and unknown fragments count nothing (other rules refuse them). `found` holds the
 * largest counts seen; for sets that plainly stay within `limit` same-name counts are not merged.
 */
export function selectionCountsVisitor(context: ValidationContext, limit: number, found: SelectionCounts): ASTVisitor {
  const perFragment = new Map<string, Flattened>();

  const fragment = (name: string, visiting: Set<string>): Flattened | undefined => {
    const known = perFragment.get(name);
    if (known) return known;
    const definition = context.getFragment(name);
    if (!definition || visiting.has(name)) return undefined;
    visiting.add(name);
    const flat = flatten(definition.selectionSet, visiting, true);
    visiting.delete(name);
    perFragment.set(name, flat);
    return flat;
  };

  /** `keep`: the merged keys are wanted (a fragment's, kept for every set that spreads it). */
  const flatten = (set: SelectionSetNode, visiting: Set<string>, keep = false): Flattened => {
    const own: Flattened = { keys: new Map(), max: 0 };
    const spread = new Set<string>();
    collect(set, own, spread);
    if (spread.size > found.spreads) found.spreads = spread.size;
    const fragments: Flattened[] = [];
    let bound = own.max;
    for (const name of spread) {
      const flat = fragment(name, visiting);
      if (!flat) continue;
      fragments.push(flat);
      bound += flat.max;
    }
    if (!fragments.length) return own;
    // No key can count more than the sum of each part's largest: when that is within the limit,
    // a set that is not a fragment's needs no merging and costs no more than its own selections.
    if (!keep && bound <= limit) return own;
    // The largest part stays as it is: only the others' keys are looked up in it.
    const parts = [own, ...fragments].sort((a, b) => b.keys.size - a.keys.size);
    const [largest, ...rest] = parts;
    const merged = new Map<string, number>();
    let max = largest.max;
    for (const part of rest) {
      for (const [key, n] of part.keys) {
        const total = (merged.get(key) ?? largest.keys.get(key) ?? 0) + n;
        merged.set(key, total);
        if (total > max) max = total;
        note(key, total);
      }
    }
    if (!keep) return { keys: merged, max };
    // A fragment's counts are computed once per document: copying its largest part here is paid once.
    const keys = new Map(largest.keys);
    for (const [key, n] of merged) keys.set(key, n);
    return { keys, max };
  };

  const note = (key: string, count: number) => {
    if (count > found.sameName.count) found.sameName = { key, count };
  };

  /** The set's own fields and inline fragments; the fragments it spreads, by name. */
  const collect = (set: SelectionSetNode, into: Flattened, spread: Set<string>): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        const n = (into.keys.get(key) ?? 0) + 1;
        into.keys.set(key, n);
        if (n > into.max) into.max = n;
        note(key, n);
      } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, into, spread);
      else spread.add(s.name.value);
    }
  };

  const visit = (set: SelectionSetNode | undefined) => void (set && flatten(set, new Set()));
  return {
    OperationDefinition: (node) => visit(node.selectionSet),
    FragmentDefinition: (node) => void fragment(node.name.value, new Set()),
    Field: (node) => visit(node.selectionSet),
  };
}
