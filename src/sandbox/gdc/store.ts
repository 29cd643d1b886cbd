/** One entity in the graph. `props` holds every stored property, system ones included (project_id, state…). */
export interface GraphNode {
  id: string;
  type: string;
  /** null for nodes outside any project (program, project). */
  project_id: string | null;
  props: Record<string, unknown>;
  /** Outgoing links by link name → target ids, in the order they were made. */
  links: Record<string, string[]>;
}

export function cloneNode(node: GraphNode): GraphNode {
  return structuredClone(node);
}

/** Read access shared by the committed store and a transaction's session view. */
export interface GraphView {
  get(id: string): GraphNode | undefined;
  all(): Iterable<GraphNode>;
  ofType(type: string): Iterable<GraphNode>;
}

export interface GraphSnapshot {
  nodes: GraphNode[];
  retired: [string, { node: GraphNode; replacedBy: string }][];
}

/** The emulator's database: committed nodes only. */
export class GraphStore implements GraphView {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly byType = new Map<string, Map<string, GraphNode>>();
  /** Previous versions of data files, out of the live graph: old id → the node and the id that replaced it. */
  private readonly retired = new Map<string, { node: GraphNode; replacedBy: string }>();

  get(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  all(): Iterable<GraphNode> {
    return this.nodes.values();
  }

  ofType(type: string): Iterable<GraphNode> {
    return this.byType.get(type)?.values() ?? [];
  }

  put(node: GraphNode): void {
    const previous = this.nodes.get(node.id);
    if (previous && previous.type !== node.type) this.byType.get(previous.type)?.delete(node.id);
    this.nodes.set(node.id, node);
    let typed = this.byType.get(node.type);
    if (!typed) this.byType.set(node.type, (typed = new Map()));
    typed.set(node.id, node);
  }

  delete(id: string): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.nodes.delete(id);
    this.byType.get(node.type)?.delete(id);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Takes a node out of the live graph as the previous version of `replacedBy`. */
  retire(id: string, replacedBy: string): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.delete(id);
    this.retired.set(id, { node, replacedBy });
  }

  snapshot(): GraphSnapshot {
    return { nodes: [...this.nodes.values()], retired: [...this.retired] };
  }

  restore(state: GraphSnapshot): void {
    for (const node of state.nodes) this.put(node);
    for (const [id, old] of state.retired) this.retired.set(id, old);
  }

  /** A retired version by its id, and the node that replaced it. */
  previousVersion(id: string): { node: GraphNode; replacedBy: string } | undefined {
    return this.retired.get(id);
  }
}

/**
 * A transaction's view: the store plus nodes written by this transaction. Nothing reaches the store until
 * commit(), which is how dry runs and failed transactions leave no trace.
 */
export class Session implements GraphView {
  private readonly pending = new Map<string, GraphNode>();
  private readonly deleted = new Set<string>();
  private readonly retiring = new Map<string, string>();

  constructor(private readonly store: GraphStore) {}

  get(id: string): GraphNode | undefined {
    if (this.deleted.has(id)) return undefined;
    return this.pending.get(id) ?? this.store.get(id);
  }

  *all(): Iterable<GraphNode> {
    for (const node of this.store.all()) if (!this.pending.has(node.id) && !this.deleted.has(node.id)) yield node;
    yield* this.pending.values();
  }

  *ofType(type: string): Iterable<GraphNode> {
    for (const node of this.store.ofType(type)) if (!this.pending.has(node.id) && !this.deleted.has(node.id)) yield node;
    for (const node of this.pending.values()) if (node.type === type) yield node;
  }

  put(node: GraphNode): void {
    this.deleted.delete(node.id);
    this.pending.set(node.id, node);
  }

  /** Removes a node from this view; edges pointing at it stop counting (the database cascades them). */
  delete(id: string): void {
    this.pending.delete(id);
    this.deleted.add(id);
  }

  /** Like delete, but the store keeps the node as the previous version of `replacedBy`. */
  retire(id: string, replacedBy: string): void {
    this.delete(id);
    this.retiring.set(id, replacedBy);
  }

  commit(): void {
    for (const [id, replacedBy] of this.retiring) this.store.retire(id, replacedBy);
    this.retiring.clear();
    for (const id of this.deleted) this.store.delete(id);
    for (const node of this.pending.values()) this.store.put(node);
    this.pending.clear();
    this.deleted.clear();
  }
}

/** Edges are stored on their source; a deleted target simply stops resolving, as a cascaded edge would. */
export function liveTargets(view: GraphView, ids: readonly string[] | undefined): string[] {
  return (ids ?? []).filter((id) => view.get(id) !== undefined);
}

/** Ids of nodes linking to `target` through `linkName` from `sourceType` (a backref, seen from the target). */
export function sourcesOf(view: GraphView, target: string, sourceType: string, linkName: string): GraphNode[] {
  const out: GraphNode[] = [];
  for (const node of view.ofType(sourceType)) if (node.links[linkName]?.includes(target)) out.push(node);
  return out;
}
