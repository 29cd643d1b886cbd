import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { sourcesOf, type GraphNode, type GraphView } from '../store';

export interface ExportSelection {
  projectId: string;
  ids: string[];
  withChildren: boolean;
  /** Only children of this category are exported (the walk still goes through the others). */
  category?: string;
}

/**
 * The nodes an export covers, as sheepdog's ExportFile finds them: the requested ids within the project
 * (unknown ones are skipped; the caller answers 404 when none is found), then, with `with_children`, every
 * node below them reached through incoming links inside the project.
 */
export function exportNodes(view: GraphView, dictionary: Dictionary, selection: ExportSelection): { nodes: GraphNode[]; missing: string[] } {
  const nodes: GraphNode[] = [];
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const id of selection.ids) {
    const node = view.get(id);
    if (!node || node.project_id !== selection.projectId) missing.push(id);
    else if (!seen.has(id)) {
      seen.add(id);
      nodes.push(node);
    }
  }
  if (selection.withChildren) {
    const visited = new Set(seen);
    for (const parent of [...nodes]) walkChildren(view, dictionary, parent, selection, visited, nodes);
  }
  return { nodes, missing };
}

function walkChildren(view: GraphView, dictionary: Dictionary, node: GraphNode, selection: ExportSelection, visited: Set<string>, out: GraphNode[]): void {
  for (const backref of dictionary.get(node.type)?.backrefs.values() ?? []) {
    for (const child of sourcesOf(view, node.id, backref.sourceType, backref.linkName)) {
      if (child.project_id !== selection.projectId || visited.has(child.id)) continue;
      visited.add(child.id);
      if (!selection.category || dictionary.get(child.type)?.category === selection.category) out.push(child);
      walkChildren(view, dictionary, child, selection, visited, out);
    }
  }
}

/** All nodes of one type in the project (`node_label=`). */
export function nodesOfType(view: GraphView, type: string, projectId: string): GraphNode[] {
  return [...view.ofType(type)].filter((n) => n.project_id === projectId);
}

/** Nodes grouped by type, types in the order they first appear. */
export function byType(nodes: GraphNode[]): Map<string, GraphNode[]> {
  const groups = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    const group = groups.get(node.type) ?? [];
    group.push(node);
    groups.set(node.type, group);
  }
  return groups;
}
