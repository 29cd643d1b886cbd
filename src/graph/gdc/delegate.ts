/**
 * A `gdc(project:) { … }` selection as one query to GDC's submission GraphQL. The generated types
 * mirror upstream's field by field, so the selection travels almost as written: aliases kept,
 * variables and directives evaluated into literals, named fragments inlined, our type names
 * mapped to upstream's (`GdcCase` → `case`, `GdcEntity` → `Node`), root fields scoped to the project.
 * Upstream answers with exactly the shape asked, keyed by response name, and the whole subtree,
 * however deep, costs one request.
 */
import {
  type ArgumentNode,
  type DirectiveNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type NamedTypeNode,
  OperationTypeNode,
  print,
  type SelectionNode,
  type ValueNode,
} from 'graphql';
import { badInput } from '../../services/documents';
import { cursorScope, type Cursors, MAX_PAGE } from '../cursors';
import { ENTITY_FIELDS, type GdcGraphModel, UPSTREAM_NODE_FIELDS } from './model';

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };
const CONNECTION = /^(.+)Connection$/;

export interface GdcPage {
  scope: string;
  first: number;
  from: number;
}

/** The page a `<node>Connection` asks for, from its arguments (cursor checked against the project, type and filters). */
export function gdcPage(cursors: Cursors, project: string, label: string, args: Record<string, unknown>): GdcPage {
  const { first, after, ...filters } = args;
  const scope = cursorScope('gdc', project, label, filters);
  const n = first === undefined || first === null ? 25 : Number(first);
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}`, 'first');
  const from = typeof after === 'string' ? cursors.decode(after, scope, 'after') + 1 : 0;
  return { scope, first: n, from };
}

/** Our abstract types whose selections upstream answers as its `Node`. */
const GDC_ABSTRACT = new Set(['GdcEntity', 'Node', 'GdcQuery']);

/** Any JSON value as a GraphQL literal (variables are inlined: upstream knows none of our input type names). */
export function literal(value: unknown): ValueNode {
  if (value === null || value === undefined) return { kind: Kind.NULL };
  if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: Kind.INT, value: String(value) } : { kind: Kind.FLOAT, value: String(value) };
  if (typeof value === 'string') return { kind: Kind.STRING, value };
  if (Array.isArray(value)) return { kind: Kind.LIST, values: value.map(literal) };
  return {
    kind: Kind.OBJECT,
    fields: Object.entries(value as Record<string, unknown>).map(([name, v]) => ({ kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: name }, value: literal(v) })),
  };
}

class Translator {
  private readonly byGqlName: Map<string, string>;

  constructor(
    private readonly info: GraphQLResolveInfo,
    private readonly model: GdcGraphModel,
    private readonly project: string,
    /** This gateway's cursors: only `gdc(project:)` has connections, so only its query needs them. */
    private readonly cursors: Cursors | null = null,
  ) {
    this.byGqlName = new Map([...model.nodes.values()].map((n) => [n.gqlName, n.label]));
  }

  /** The upstream selections for a selection set of one of our types. */
  selections(selections: readonly SelectionNode[], parent: GraphQLCompositeType, root: boolean): SelectionNode[] {
    const out: SelectionNode[] = [];
    for (const sel of selections) {
      if (!this.included(sel.directives)) continue;
      if (sel.kind === Kind.FIELD) {
        out.push(...this.field(sel, parent, root));
        continue;
      }
      const conditionName = sel.kind === Kind.INLINE_FRAGMENT ? sel.typeCondition?.name.value : this.info.fragments[sel.name.value]?.typeCondition.name.value;
      const selectionSet = sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : this.info.fragments[sel.name.value]?.selectionSet;
      if (!selectionSet) continue;
      const condition = conditionName ? (this.info.schema.getType(conditionName) as GraphQLCompositeType) : parent;
      // Under Query.node(s) a fragment may be on an ENCODE type: not upstream's business.
      if (!this.isGdc(condition)) continue;
      const inner = this.selections(selectionSet.selections, condition, root);
      if (inner.length) out.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: this.condition(condition, parent), selectionSet: { kind: Kind.SELECTION_SET, selections: inner } });
    }
    return out;
  }

  /**
   * `<node>Connection(filters, first, after)` as upstream's own list and count: `<key>__items`
   * (`first + 1` from the cursor's offset, the extra one telling whether a next page exists) with
   * the selection of `edges { node }`, and `<key>__count` when totalCount is asked. A cursor that
   * does not check out is refused here, before any upstream call.
   */
  private connection(node: FieldNode, def: GraphQLField<unknown, unknown>, label: string): SelectionNode[] {
    if (!this.cursors) throw new Error(`${label}Connection outside gdc(project:)`);
    const page = gdcPage(this.cursors, this.project, label, getArgumentValues(def, node, this.info.variableValues));
    const key = (node.alias ?? node.name).value;
    const filters = this.scoped(
      label,
      (node.arguments ?? []).filter((a) => a.name.value !== 'first' && a.name.value !== 'after').map((a): ArgumentNode => ({ ...a, value: this.value(a.value) })),
    );
    const nodeType = this.info.schema.getType(this.model.nodes.get(label)!.gqlName) as GraphQLCompositeType;
    const parts = this.connectionParts(node.selectionSet?.selections ?? []);
    const out: SelectionNode[] = [];
    const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
    const arg = (n: string, value: unknown): ArgumentNode => ({ kind: Kind.ARGUMENT, name: name(n), value: literal(value) });
    if (parts.items) {
      const selections = [{ kind: Kind.FIELD, name: name('id') } as FieldNode, ...this.selections(parts.nodeSelections, nodeType, false)];
      out.push({
        kind: Kind.FIELD,
        alias: name(`${key}__items`),
        name: name(label),
        arguments: [...filters, arg('first', page.first + 1), arg('offset', page.from)],
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      });
    }
    if (parts.count) out.push({ kind: Kind.FIELD, alias: name(`${key}__count`), name: name(`_${label}_count`), arguments: filters });
    return out;
  }

  /** What a connection's selection needs: its items (edges or pageInfo), the count, and the selections on `edges.node`. */
  private connectionParts(selections: readonly SelectionNode[], parts = { items: false, count: false, nodeSelections: [] as SelectionNode[] }) {
    for (const sel of selections) {
      if (!this.included(sel.directives)) continue;
      if (sel.kind !== Kind.FIELD) {
        const set = sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : this.info.fragments[sel.name.value]?.selectionSet;
        if (set) this.connectionParts(set.selections, parts);
        continue;
      }
      const field = sel.name.value;
      if (field === 'totalCount') parts.count = true;
      if (field === 'pageInfo') parts.items = true;
      if (field === 'edges') {
        parts.items = true;
        for (const edge of this.fieldsNamed(sel.selectionSet?.selections ?? [], 'node')) parts.nodeSelections.push(...(edge.selectionSet?.selections ?? []));
      }
    }
    return parts;
  }

  private fieldsNamed(selections: readonly SelectionNode[], wanted: string): FieldNode[] {
    return selections.flatMap((sel) => {
      if (!this.included(sel.directives)) return [];
      if (sel.kind === Kind.FIELD) return sel.name.value === wanted ? [sel] : [];
      const set = sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : this.info.fragments[sel.name.value]?.selectionSet;
      return set ? this.fieldsNamed(set.selections, wanted) : [];
    });
  }

  private lacks(parent: GraphQLCompositeType, name: string): boolean {
    const label = this.byGqlName.get(parent.name);
    if (!label || UPSTREAM_NODE_FIELDS.has(name) || !ENTITY_FIELDS.includes(name)) return false;
    return !this.model.nodes.get(label)!.fields.some((f) => f.key === name);
  }

  private isGdc(type: GraphQLCompositeType): boolean {
    return this.byGqlName.has(type.name) || GDC_ABSTRACT.has(type.name);
  }

  /** A concrete type's condition becomes upstream's type name; ours on the interface or the root needs none. */
  private condition(condition: GraphQLCompositeType, parent: GraphQLCompositeType): NamedTypeNode | undefined {
    const label = this.byGqlName.get(condition.name);
    if (!label || condition === parent) return undefined;
    return { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: label } };
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, root: boolean): SelectionNode[] {
    const name = node.name.value;
    if (name === '__typename') return [{ ...node, directives: [] }];
    const def = (parent as { getFields?: () => Record<string, GraphQLField<unknown, unknown>> }).getFields?.()[name];
    // GdcEntity's fields are on every Gdc<Node>, but upstream's type has only those its dictionary
    // node has (a program has no `state`): one it lacks is answered null without asking.
    if (this.lacks(parent, name)) return [];
    const connectionOf = root && def ? CONNECTION.exec(name)?.[1] : undefined;
    if (connectionOf && this.model.nodes.has(connectionOf)) return this.connection(node, def!, connectionOf);
    let args = (node.arguments ?? []).map((a): ArgumentNode => ({ ...a, value: this.value(a.value) }));
    if (root) args = this.scoped(name, args);
    let selectionSet = node.selectionSet;
    if (selectionSet && def) {
      const type = getNamedType(def.type);
      const inner = isCompositeType(type) ? this.selections(selectionSet.selections, type, false) : [];
      // resolveType needs the upstream type of every entity behind an interface.
      if (isAbstractType(type)) inner.push(TYPENAME);
      selectionSet = { kind: Kind.SELECTION_SET, selections: inner };
    }
    const field: FieldNode = { kind: Kind.FIELD, alias: node.alias, name: node.name, arguments: args, selectionSet };
    // Upstream's Node interface lacks `state`: ask each node type for it.
    if (isAbstractType(parent) && !UPSTREAM_NODE_FIELDS.has(name)) {
      return [...this.model.nodes.values()]
        .filter((n) => n.fields.some((f) => f.key === name))
        .map((n) => ({
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: n.label } },
          selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
        }));
    }
    return [field];
  }

  /**
   * Root fields see only this project: `project_id` is added (a list for node types, one value for
   * `node`). A project_id the caller gives must name the same project.
   */
  private scoped(name: string, args: ArgumentNode[]): ArgumentNode[] {
    const label = name === 'node' ? null : name.replace(/^_(.*)_count$/, '$1');
    const node = label ? this.model.nodes.get(label) : null;
    if (label && (!node || (!node.hasProjectId && label !== 'project'))) return args;
    const given = args.find((a) => a.name.value === 'project_id');
    if (given) {
      const values = ([] as unknown[]).concat(valueOf(given.value));
      if (!values.includes(this.project)) {
        throw badInput(`project_id ${JSON.stringify(valueOf(given.value))} is outside gdc(project: "${this.project}")`, 'project_id');
      }
    }
    const value = label ? literal([this.project]) : literal(this.project);
    return [...args.filter((a) => a !== given), { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'project_id' }, value }];
  }

  private value(value: ValueNode): ValueNode {
    if (value.kind === Kind.VARIABLE) return literal(this.info.variableValues[value.name.value]);
    if (value.kind === Kind.LIST) return { ...value, values: value.values.map((v) => this.value(v)) };
    if (value.kind === Kind.OBJECT) return { ...value, fields: value.fields.map((f) => ({ ...f, value: this.value(f.value) })) };
    return value;
  }

  /** @skip / @include, evaluated with this operation's variables. */
  private included(directives: readonly DirectiveNode[] | undefined): boolean {
    for (const d of directives ?? []) {
      const arg = d.arguments?.find((a) => a.name.value === 'if');
      if (!arg) continue;
      const on = Boolean(valueOf(this.value(arg.value)));
      if ((d.name.value === 'skip' && on) || (d.name.value === 'include' && !on)) return false;
    }
    return true;
  }
}

/** A literal's JSON value. */
function valueOf(value: ValueNode): unknown {
  switch (value.kind) {
    case Kind.NULL:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(value.value);
    case Kind.LIST:
      return value.values.map(valueOf);
    case Kind.OBJECT:
      return Object.fromEntries(value.fields.map((f) => [f.name.value, valueOf(f.value)]));
    case Kind.VARIABLE:
      return undefined;
    default:
      return value.value;
  }
}

/** The upstream query for this `gdc(project:)` field, or null when nothing in it needs the upstream. */
export function upstreamQuery(info: GraphQLResolveInfo, model: GdcGraphModel, project: string, cursors: Cursors): string | null {
  const gdcQuery = getNamedType(info.returnType);
  if (!isObjectType(gdcQuery)) return null;
  const translator = new Translator(info, model, project, cursors);
  const selections = info.fieldNodes.flatMap((node) => translator.selections(node.selectionSet?.selections ?? [], gdcQuery, true));
  const asked = selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value === '__typename'));
  if (!asked.length) return null;
  return print({ kind: Kind.DOCUMENT, definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, selectionSet: { kind: Kind.SELECTION_SET, selections } }] });
}

/**
 * Whether a selection of `_entities` (on the `_Entity` union) applies to entities of one type:
 * `__typename`, and fragments on that type or on an interface it implements.
 */
function appliesTo(sel: SelectionNode, type: GraphQLObjectType, info: GraphQLResolveInfo): boolean {
  if (sel.kind === Kind.FIELD) return sel.name.value === '__typename';
  const condition = sel.kind === Kind.INLINE_FRAGMENT ? sel.typeCondition?.name.value : info.fragments[sel.name.value]?.typeCondition.name.value;
  if (!condition || condition === type.name) return true;
  return type.getInterfaces().some((i) => i.name === condition);
}

/**
 * The upstream selection for entities of one type asked through `_entities`: the parts of its
 * selection that apply to that type, translated as a `gdc(project:)` selection is (response keys
 * kept, so the type's resolvers read the answer as they always do).
 */
export function entitySelections(info: GraphQLResolveInfo, model: GdcGraphModel, type: GraphQLObjectType): SelectionNode[] {
  const translator = new Translator(info, model, '');
  const applicable = info.fieldNodes.flatMap((node) => (node.selectionSet?.selections ?? []).filter((s) => appliesTo(s, type, info)));
  return translator.selections(applicable, type, false);
}

/**
 * The upstream query for `Query.node(s)`: GDC's `node(ids:)` needs no project, and the
 * selection (on our Node interface: fragments on GDC types kept, on ENCODE types dropped) travels
 * as it does inside `gdc(project:)`. Each entity comes back under `nodes`, with its upstream type.
 *
 * Upstream's `node` answers only entities carrying a project_id (peregrine filters the Node
 * interface on it, of_type or not), so programs, projects and the other administrative types are
 * asked in the same request through their own root field (`<type>__nodes: <type>(ids:)`), whose
 * authorization is their type's.
 */
export function upstreamNodesQuery(info: GraphQLResolveInfo, model: GdcGraphModel, ids: readonly string[]): { query: string; variables: { ids: string[] } } {
  const nodeInterface = getNamedType(info.returnType) as GraphQLCompositeType;
  const translator = new Translator(info, model, '');
  const selections = info.fieldNodes.flatMap((node) => translator.selections(node.selectionSet?.selections ?? [], nodeInterface, false));
  const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
  // The ids travel once, as a variable, however many lookups use them; first: 0 is peregrine's "no limit".
  const idsVariable = { kind: Kind.VARIABLE, name: name('ids') } as const;
  const lookup = (alias: string, root: string, inner: SelectionNode[]): FieldNode => ({
    kind: Kind.FIELD,
    alias: name(alias),
    name: name(root),
    arguments: [
      { kind: Kind.ARGUMENT, name: name('ids'), value: idsVariable },
      { kind: Kind.ARGUMENT, name: name('first'), value: literal(0) },
    ],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [TYPENAME, ...(inner.some(isPlainId) ? [] : [{ kind: Kind.FIELD, name: name('id') } as FieldNode]), ...inner] },
  });
  const fields = [lookup('nodes', 'node', selections)];
  for (const node of model.nodes.values()) if (!node.hasProjectId) fields.push(lookup(`${node.label}${NODES_SUFFIX}`, node.label, onlyFor(node.label, selections)));
  const query = print({
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: name('GatewayNodes'),
        variableDefinitions: [{ kind: Kind.VARIABLE_DEFINITION, variable: idsVariable, type: { kind: Kind.LIST_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('String') } } }],
        selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
      },
    ],
  });
  return { query, variables: { ids: [...ids] } };
}

/** The entities are matched to the ids asked by their `id`, under that name. */
const isPlainId = (sel: SelectionNode) => sel.kind === Kind.FIELD && sel.name.value === 'id' && !sel.alias;

/** The alias suffix of the per-type lookups in upstreamNodesQuery. */
export const NODES_SUFFIX = '__nodes';

/** Upstream selections on the Node interface as selections on one of its types: fragments on other types dropped. */
function onlyFor(label: string, selections: readonly SelectionNode[]): SelectionNode[] {
  return selections.flatMap((sel): SelectionNode[] => {
    if (sel.kind !== Kind.INLINE_FRAGMENT) return [sel];
    if (sel.typeCondition && sel.typeCondition.name.value !== label) return [];
    const inner = onlyFor(label, sel.selectionSet.selections);
    return inner.length ? [{ ...sel, selectionSet: { ...sel.selectionSet, selections: inner } }] : [];
  });
}
