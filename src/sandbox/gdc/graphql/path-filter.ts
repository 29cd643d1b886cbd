import type { GraphNode } from '../store';
import type { NodeClass } from './classes';
import type { PathTrie } from './paths';
import type { GraphView } from './view';

/** A WithPathToInput: the destination type, and `id` or properties the destination must have. */
export type PathEntry = { type?: string | null } & Record<string, unknown>;

/**
 * One with_path_to entry as a node test. Paths to a case go through the case cache (`_related_cases`), and
 * from a case through its reverse; types without that cache have no such path, as in peregrine. Any other
 * destination is reached along the traversals of paths.ts.
 */
export function pathFilter(view: GraphView, cls: NodeClass, entry: PathEntry, filterName: string): (node: GraphNode) => boolean {
  const { type, ...conditions } = entry;
  if (!type) throw new Error(`Please specify a {type: <type>} in the ${filterName} filter.`);
  const matches = (n: GraphNode) => endMatches(n, conditions);
  if (type === 'case') return cls.cachesCases ? (n) => view.relatedCases(n).some(matches) : () => false;
  if (cls.label === 'case') return view.classOf(type)?.cachesCases ? (n) => view.relatedTo(n.id, type).some(matches) : () => false;
  const trie = view.model.traversals.between(cls.label, type);
  if (!trie) return () => false;
  return (n) => reaches(view, n, trie, type, matches, new Map());
}

/** psqlgraph's end-of-traversal filter: `id` by id, anything else as JSONB containment on the properties. */
function endMatches(node: GraphNode, conditions: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(conditions)) {
    if (value === null || value === undefined) continue;
    if (key === 'id') {
      if (!(Array.isArray(value) ? value : [value]).includes(node.id)) return false;
    } else if (!contains(node.props[key], value)) return false;
  }
  return true;
}

function contains(stored: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(stored) && wanted.every((w) => stored.some((s) => contains(s, w)));
  return stored === wanted;
}

/** Whether some path of the trie leads from `node` to a matching destination; each (node, step) is tried once. */
function reaches(view: GraphView, node: GraphNode, trie: PathTrie, dst: string, matches: (n: GraphNode) => boolean, tried: Map<PathTrie, Set<string>>): boolean {
  let seen = tried.get(trie);
  if (!seen) tried.set(trie, (seen = new Set()));
  if (seen.has(node.id)) return false;
  seen.add(node.id);
  const edges = view.classOf(node.type)?.traversalEdges;
  for (const [name, step] of trie.next) {
    const edge = edges?.get(name);
    if (!edge) continue;
    for (const next of view.across(node, edge)) {
      if (step.end && next.type === dst && matches(next)) return true;
      if (step.next.size && reaches(view, next, step, dst, matches, tried)) return true;
    }
  }
  return false;
}
