import type { GraphNode } from '../store';
import type { NodeClass, Scalar } from './classes';
import { argumentInstant, storedInstant } from './datetimes';
import { pathFilter, type PathEntry } from './path-filter';
import type { GraphView } from './view';

export type Args = Record<string, unknown>;

/**
 * Whose arguments these are: a node type's root or link field (its properties are filters), the Node
 * interface (`node`, `_links`: no property filters) or `datanode` (each node by its own type's properties).
 */
export type Scope = { kind: 'class'; cls: NodeClass } | { kind: 'node' } | { kind: 'datanode' };

export const DEFAULT_LIMIT = 10;
const NODE_ORDER_KEYS = new Set(['submitter_id', 'project_id', 'created_datetime', 'updated_datetime', 'state']);

const given = (args: Args, key: string) => args[key] !== undefined && args[key] !== null;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);

/** peregrine's apply_query_args without first/offset: the filters, then the order. */
export function filterNodes(view: GraphView, nodes: GraphNode[], args: Args, scope: Scope): GraphNode[] {
  const label = scope.kind === 'class' ? scope.cls.label : 'node';
  const propsOf = (n: GraphNode) => (scope.kind === 'class' ? scope.cls.properties : scope.kind === 'datanode' ? view.classOf(n.type)?.properties : undefined);
  let out = nodes.filter((n) => matchesProperties(n, propsOf(n), args) && matchesNot(n, propsOf(n), args.not));

  if (scope.kind !== 'class' && given(args, 'project_id')) out = out.filter((n) => n.project_id === args.project_id);
  if (given(args, 'id')) out = out.filter((n) => list(args.id).includes(n.id));
  if (given(args, 'ids')) out = out.filter((n) => list(args.ids).includes(n.id));
  if (scope.kind === 'node' && given(args, 'submitter_id')) out = out.filter((n) => list(args.submitter_id).map(String).includes(String(n.props.submitter_id)));
  if (given(args, 'quick_search') && args.quick_search !== '') {
    const phrase = String(args.quick_search).toLowerCase();
    out = out.filter((n) => n.id.toLowerCase().includes(phrase) || (n.props.submitter_id != null && String(n.props.submitter_id).toLowerCase().includes(phrase)));
  }
  for (const [arg, prop, after] of [
    ['created_after', 'created_datetime', true],
    ['created_before', 'created_datetime', false],
    ['updated_after', 'updated_datetime', true],
    ['updated_before', 'updated_datetime', false],
  ] as const) {
    if (!given(args, arg)) continue;
    const bound = argumentInstant(String(args[arg]));
    out = out.filter((n) => {
      const at = storedInstant(n.props[prop]);
      return at !== null && (after ? at > bound : at < bound);
    });
  }
  if (scope.kind === 'class') out = linkFilters(view, out, args, scope.cls);
  if (scope.kind === 'class') out = pathFilters(view, out, args, scope.cls);
  if (scope.kind === 'class' && scope.cls.label === 'project' && given(args, 'project_id')) {
    const wanted = new Set(list(args.project_id).map(String));
    out = out.filter((n) => wanted.has(view.projectIdOf(n) ?? ''));
  }
  return order(out, args, label, scope, view);
}

/** first (default 10, 0 or less = all) and offset, as SQL applies them: offset first. */
export function paginate<T>(items: T[], args: Args, defaultLimit = DEFAULT_LIMIT): T[] {
  const first = given(args, 'first') ? Number(args.first) : defaultLimit;
  const offset = given(args, 'offset') ? Math.max(0, Number(args.offset)) : 0;
  const from = items.slice(offset);
  return first > 0 ? from.slice(0, first) : from;
}

/** Scalar properties: OR over the values (compared as Postgres' `->>` text would be). Array properties: all values present. */
function matchesProperties(node: GraphNode, props: Map<string, Scalar> | undefined, args: Args): boolean {
  if (!props) return true;
  for (const [key, value] of Object.entries(args)) {
    const scalar = props.get(key);
    if (!scalar || value === null || value === undefined) continue;
    const wanted = list(value);
    const stored = node.props[key];
    if (scalar === 'List') {
      if (!Array.isArray(stored) || !wanted.every((w) => stored.some((s) => String(s) === String(w)))) return false;
    } else if (!wanted.some((w) => sameValue(stored, w, scalar))) return false;
  }
  return true;
}

function sameValue(stored: unknown, wanted: unknown, scalar: Scalar): boolean {
  if (stored === null || stored === undefined) return false;
  if (scalar === 'Float') return typeof stored === 'number' ? stored === Number(wanted) : String(stored) === String(wanted);
  if (scalar === 'Boolean') return String(stored).toLowerCase() === String(wanted).toLowerCase();
  return (typeof stored === 'object' ? JSON.stringify(stored) : String(stored)) === String(wanted);
}

/** `not`: SQL's NOT IN, so a node without the property is left out too (NULL is never "not in"). */
function matchesNot(node: GraphNode, props: Map<string, Scalar> | undefined, not: unknown): boolean {
  if (!props || !Array.isArray(not)) return true;
  for (const item of not) {
    if (!item || typeof item !== 'object') continue;
    for (const [key, value] of Object.entries(item as Args)) {
      const scalar = props.get(key);
      if (!scalar || value === null || value === undefined) continue;
      const stored = node.props[key];
      if (stored === null || stored === undefined) return false;
      const values = list(value);
      if (scalar === 'List') {
        if (Array.isArray(stored) && values.some((v) => stored.some((s) => String(s) === String(v)))) return false;
      } else if (values.some((v) => sameValue(stored, v, scalar))) return false;
    }
  }
  return true;
}

function linkFilters(view: GraphView, nodes: GraphNode[], args: Args, cls: NodeClass): GraphNode[] {
  const edge = (name: string) => {
    const e = cls.edges.get(name);
    if (!e) throw new Error(`Invalid link name '${name}'`);
    return e;
  };
  const has = (n: GraphNode, name: string) => view.across(n, edge(name)).length > 0;
  let out = nodes;
  if (given(args, 'with_links')) for (const name of new Set(list(args.with_links).map(String))) out = out.filter((n) => has(n, name));
  if (given(args, 'with_links_any')) {
    const names = [...new Set(list(args.with_links_any).map(String))];
    names.forEach(edge);
    if (names.length) out = out.filter((n) => names.some((name) => has(n, name)));
  }
  if (given(args, 'without_links')) for (const name of list(args.without_links).map(String)) out = out.filter((n) => !has(n, name));
  return out;
}

function pathFilters(view: GraphView, nodes: GraphNode[], args: Args, cls: NodeClass): GraphNode[] {
  let out = nodes;
  const entries = (key: string) => list(args[key]) as PathEntry[];
  if (given(args, 'with_path_to')) for (const entry of entries('with_path_to')) out = out.filter(pathFilter(view, cls, entry, 'with_path_to'));
  if (given(args, 'with_path_to_any')) {
    const tests = entries('with_path_to_any').map((e) => pathFilter(view, cls, e, 'with_path_to_any'));
    out = out.filter((n) => tests.some((t) => t(n)));
  }
  if (given(args, 'without_path_to')) {
    const tests = entries('without_path_to').map((e) => pathFilter(view, cls, e, 'without_path_to'));
    out = out.filter((n) => !tests.every((t) => t(n)));
  }
  return out;
}

function order(nodes: GraphNode[], args: Args, label: string, scope: Scope, view: GraphView): GraphNode[] {
  const keys: { get: (n: GraphNode) => unknown; desc: boolean }[] = [];
  for (const [arg, desc] of [
    ['order_by_asc', false],
    ['order_by_desc', true],
  ] as const) {
    if (!given(args, arg)) continue;
    const key = String(args[arg]);
    if (key === 'type') continue;
    if (key === 'id') keys.push({ get: (n) => n.id, desc });
    else if (orderable(scope, key, view)) keys.push({ get: (n) => (key === 'project_id' ? view.projectIdOf(n) : n.props[key]), desc });
    else throw new Error(`Cannot order by ${key} on ${label}`);
  }
  if (!keys.length) return nodes;
  return [...nodes].sort((a, b) => {
    for (const k of keys) {
      const c = compareSql(k.get(a), k.get(b), k.desc);
      if (c) return c;
    }
    return 0;
  });
}

function orderable(scope: Scope, key: string, view: GraphView): boolean {
  if (scope.kind === 'class') return scope.cls.properties.has(key);
  if (NODE_ORDER_KEYS.has(key)) return true;
  return scope.kind === 'datanode' && [...view.model.classes.values()].some((c) => c.category.endsWith('_file') && c.properties.has(key));
}

/** ORDER BY over JSONB values: NULLs last ascending and first descending; jsonb's own order between types. */
function compareSql(a: unknown, b: unknown, desc: boolean): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? 1 * (desc ? -1 : 1) : -1 * (desc ? -1 : 1);
  const c = compareJsonb(a, b);
  return desc ? -c : c;
}

const RANK = (v: unknown) => (typeof v === 'string' ? 1 : typeof v === 'number' ? 2 : typeof v === 'boolean' ? 3 : Array.isArray(v) ? 4 : 5);

function compareJsonb(a: unknown, b: unknown): number {
  const ra = RANK(a);
  const rb = RANK(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' || typeof a === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? (b as string) : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
