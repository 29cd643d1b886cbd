import type { NodeClass } from './classes';

/**
 * Peregrine's with_path_to traversals (traversal.py): every path of edges from a type to another, pruned
 * so it does not wander. Category levels may only rise along a path (out from case, never back in), a
 * path may end one step past that, paths stop at terminal edges, and no type repeats.
 */
const CATEGORY_LEVEL: Record<string, number> = { administrative: 0, biospecimen: 1, clinical: 1, data_file: 3 };
const MAX_LEVEL = 4;
const TERMINAL_EDGES = new Set(['annotations', 'centers', 'archives', 'tissue_source_sites', 'files', 'related_files', 'describing_files']);

/** Paths from one type to another as a trie of edge names; `end` marks where a complete path stops. */
export interface PathTrie {
  end: boolean;
  next: Map<string, PathTrie>;
}

const level = (cls: NodeClass) => CATEGORY_LEVEL[cls.category] ?? MAX_LEVEL;

function isValidDirection(node: NodeClass, visited: NodeClass[]): boolean {
  const first = level(visited[0]);
  const last = level(visited[visited.length - 1]);
  const here = level(node);
  return first > last ? here <= last : here >= last;
}

/** construct_traversals_from_node: destination type → paths (edge names) from `root`. */
export function traversalsFrom(root: NodeClass, classes: Map<string, NodeClass>): Map<string, string[][]> {
  const found = new Map<string, Set<string>>();
  const out = new Map<string, string[][]>();
  const stack: { node: NodeClass; path: string[]; visited: NodeClass[] }[] = [{ node: root, path: [], visited: [] }];
  while (stack.length) {
    const { node, path, visited } = stack.pop()!;
    if (path.length) {
      const key = path.join('.');
      let seen = found.get(node.label);
      if (!seen) found.set(node.label, (seen = new Set()));
      if (seen.has(key)) continue;
      seen.add(key);
      let list = out.get(node.label);
      if (!list) out.set(node.label, (list = []));
      list.push(path);
      if (TERMINAL_EDGES.has(path[path.length - 1])) continue;
    }
    if (!isValidDirection(node, visited.length ? visited : [root])) continue;
    for (const edge of node.traversalEdges.values()) {
      const neighbor = classes.get(edge.target);
      if (!neighbor || visited.includes(neighbor)) continue;
      stack.push({ node: neighbor, path: [...path, edge.name], visited: [...visited, node] });
    }
  }
  return out;
}

/** Traversals are computed per source type on first use, as peregrine does lazily, and kept. */
export class Traversals {
  private readonly bySource = new Map<string, Map<string, PathTrie>>();

  constructor(private readonly classes: Map<string, NodeClass>) {}

  between(src: string, dst: string): PathTrie | undefined {
    let tries = this.bySource.get(src);
    if (!tries) {
      tries = new Map();
      const root = this.classes.get(src);
      if (root) for (const [target, paths] of traversalsFrom(root, this.classes)) tries.set(target, toTrie(paths));
      this.bySource.set(src, tries);
    }
    return tries.get(dst);
  }
}

function toTrie(paths: string[][]): PathTrie {
  const root: PathTrie = { end: false, next: new Map() };
  for (const path of paths) {
    let at = root;
    for (const name of path) {
      let child = at.next.get(name);
      if (!child) at.next.set(name, (child = { end: false, next: new Map() }));
      at = child;
    }
    at.end = true;
  }
  return root;
}
