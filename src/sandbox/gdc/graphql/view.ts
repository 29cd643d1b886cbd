import type { GraphNode, GraphStore } from '../store';
import type { TransactionLogStore } from '../transactions';
import type { EdgeDef, NodeClass } from './classes';
import type { Traversals } from './paths';

/** What the schema was built from: shared by every request. */
export interface GraphqlModel {
  classes: Map<string, NodeClass>;
  traversals: Traversals;
}

/**
 * One request's look at the emulator's store: what the caller may read (peregrine's authorization
 * filter on project_id) and the graph's edges both ways. Resolvers run synchronously, so the store
 * cannot change under a request; the reverse edge index is built once per request, on first use.
 */
export class GraphView {
  private incomingIndex: Map<string, { source: GraphNode; link: string }[]> | null = null;
  private readonly casesCache = new Map<string, GraphNode[]>();
  private readonly byCase = new Map<string, Map<string, GraphNode[]>>();

  constructor(
    readonly model: GraphqlModel,
    readonly store: GraphStore,
    readonly logs: TransactionLogStore,
    /** Project ids (PROGRAM-PROJECT) the caller may read. */
    readonly readable: ReadonlySet<string>,
  ) {}

  classOf(type: string): NodeClass | undefined {
    return this.model.classes.get(type);
  }

  /** A project's id is not stored on it: it is its program's name and its code. */
  projectIdOf(node: GraphNode): string | null {
    if (node.type !== 'project') return node.project_id;
    const program = (node.links.programs ?? []).map((id) => this.store.get(id)).find(Boolean);
    return program ? `${String(program.props.name)}-${String(node.props.code)}` : null;
  }

  /** authorization_filter: typed queries filter on project_id when the type has one; projects by their own id. */
  visible(node: GraphNode): boolean {
    if (node.type === 'project') return this.readable.has(this.projectIdOf(node) ?? '');
    const cls = this.classOf(node.type);
    if (cls && !cls.hasProjectId) return true;
    return node.project_id !== null && this.readable.has(node.project_id);
  }

  /** The Node interface's filter: only nodes carrying a readable project_id (never programs or projects). */
  visibleAsNode(node: GraphNode): boolean {
    return node.project_id !== null && this.readable.has(node.project_id);
  }

  nodesOf(type: string): GraphNode[] {
    return [...this.store.ofType(type)].filter((n) => this.visible(n));
  }

  /** Nodes at the other end of an edge, whether the caller may read them or not (filters use raw edges). */
  across(node: GraphNode, edge: EdgeDef): GraphNode[] {
    switch (edge.kind) {
      case 'link':
        return (node.links[edge.name] ?? []).map((id) => this.store.get(id)).filter((n): n is GraphNode => Boolean(n));
      case 'backref':
        return this.incoming(node.id).filter((e) => e.source.type === edge.target && e.link === edge.sourceLink).map((e) => e.source);
      case 'related_cases':
        return this.relatedCases(node);
      case 'related_from_case':
        return this.relatedTo(node.id, edge.target);
    }
  }

  /** Every node linked to or from this one (`_links`). */
  neighbours(node: GraphNode): GraphNode[] {
    const out = new Map<string, GraphNode>();
    for (const e of this.incoming(node.id)) out.set(e.source.id, e.source);
    for (const ids of Object.values(node.links)) for (const id of ids) {
      const target = this.store.get(id);
      if (target) out.set(target.id, target);
    }
    return [...out.values()];
  }

  /** gdcdatamodel's case cache: the cases above a node, found through its parents' caches. */
  relatedCases(node: GraphNode): GraphNode[] {
    const cached = this.casesCache.get(node.id);
    if (cached) return cached;
    this.casesCache.set(node.id, []);
    const cases = new Map<string, GraphNode>();
    if (this.classOf(node.type)?.cachesCases) {
      for (const ids of Object.values(node.links)) for (const id of ids) {
        const parent = this.store.get(id);
        if (!parent) continue;
        if (parent.type === 'case') cases.set(parent.id, parent);
        else for (const c of this.relatedCases(parent)) cases.set(c.id, c);
      }
    }
    const list = [...cases.values()];
    this.casesCache.set(node.id, list);
    return list;
  }

  /** The case cache read from the case's side: nodes of `type` whose related cases include it. */
  relatedTo(caseId: string, type: string): GraphNode[] {
    let index = this.byCase.get(type);
    if (!index) {
      index = new Map();
      for (const node of this.store.ofType(type)) {
        for (const c of this.relatedCases(node)) {
          let list = index.get(c.id);
          if (!list) index.set(c.id, (list = []));
          list.push(node);
        }
      }
      this.byCase.set(type, index);
    }
    return index.get(caseId) ?? [];
  }

  private incoming(id: string): { source: GraphNode; link: string }[] {
    if (!this.incomingIndex) {
      this.incomingIndex = new Map();
      for (const source of this.store.all()) {
        for (const [link, ids] of Object.entries(source.links)) for (const target of ids) {
          let list = this.incomingIndex.get(target);
          if (!list) this.incomingIndex.set(target, (list = []));
          list.push({ source, link });
        }
      }
    }
    return this.incomingIndex.get(id) ?? [];
  }
}
