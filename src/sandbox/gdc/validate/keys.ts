import type { Dictionary, NodeType } from '../../../rules/gdc/dictionary/model';
import { pyRepr, pyTuple } from '../../../rules/shared/pyrepr';
import type { GraphNode, GraphView } from '../store';

/**
 * psqlgraph's secondary keys: the values of every unique-key set that does not contain `id`. A skeleton
 * (a link object, or a document before it has a node) takes `project_id` from the transaction.
 */
export function secondaryKeyValues(nodeType: NodeType, props: Record<string, unknown>, projectId: string): unknown[][] {
  const source = { ...props };
  if (nodeType.hasProjectId && !('project_id' in source)) source.project_id = projectId;
  return nodeType.secondaryKeys.map((keys) => keys.map((k) => (nodeType.properties.includes(k) ? (source[k] ?? null) : null)));
}

export function secondaryKeyDicts(nodeType: NodeType, values: unknown[][]): Record<string, unknown>[] {
  return nodeType.secondaryKeys.map((keys, i) => Object.fromEntries(keys.map((k, j) => [k, values[i][j] ?? null])));
}

/** `(('GDC-INTERNAL', 'X'),)`, as Python prints the tuple in "Entity is not unique, …". */
export function secondaryKeysRepr(values: unknown[][]): string {
  return pyTuple(values.map((set) => pyTuple(set)), (v) => v as string);
}

export function uniqueKeysRepr(dicts: Record<string, unknown>[]): string {
  return pyRepr(dicts);
}

/**
 * sheepdog's lookup_node: by id, and by secondary keys when every one is set. With neither it matches
 * nothing; with an incomplete key set and no id it matches every node of the type (upstream's quirk).
 */
export function lookupNodes(view: GraphView, dictionary: Dictionary, type: string, id: string | null, secondary: unknown[][]): GraphNode[] {
  const nodeType = dictionary.get(type);
  if (!nodeType) return [];
  if (id == null && secondary.length === 0) return [];
  const complete = secondary.every((set) => set.every((v) => Boolean(v)));
  const out: GraphNode[] = [];
  if (id != null && !complete) {
    const node = view.get(id);
    return node && node.type === type ? [node] : [];
  }
  for (const node of view.ofType(type)) {
    if (id != null && node.id !== id) continue;
    if (complete && !nodeType.secondaryKeys.every((keys, i) => keys.every((k, j) => node.props[k] === secondary[i][j]))) continue;
    out.push(node);
  }
  return out;
}
