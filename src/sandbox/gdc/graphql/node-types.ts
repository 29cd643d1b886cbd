import {
  GraphQLID,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
} from 'graphql';
import type { GraphNode } from '../store';
import type { EdgeDef, NodeClass, Scalar } from './classes';
import { filterNodes, paginate, type Args } from './filters';
import { NodeArgs, nodeInterfaceArgs, scalarType } from './node-args';
import { graphqlString } from './pyjson';
import { transactionLogFields } from './transaction-log';
import type { GraphView } from './view';

type Field = GraphQLFieldConfig<GraphNode, GraphView>;

/** A stored value as peregrine's field type gives it (String: str() of anything; lists of String). */
export function propertyValue(scalar: Scalar, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (scalar === 'List') return (Array.isArray(value) ? value : [value]).map(graphqlString);
  if (scalar === 'String') return graphqlString(value);
  return value;
}

/** The Node interface's fields: what every node type answers. */
function nodeFields(): GraphQLFieldConfigMap<GraphNode, GraphView> {
  const prop = (name: string): Field => ({ type: GraphQLString, resolve: (n) => graphqlString(n.props[name]) });
  return {
    id: { type: GraphQLID, resolve: (n) => n.id },
    submitter_id: prop('submitter_id'),
    type: { type: GraphQLString, resolve: (n) => n.type },
    project_id: { type: GraphQLString, resolve: (n, _args, view) => view.projectIdOf(n) },
    created_datetime: prop('created_datetime'),
    updated_datetime: prop('updated_datetime'),
  };
}

/** The Node interface and one object type per dictionary type, with their link fields. */
export class NodeTypes {
  readonly node: GraphQLInterfaceType;
  readonly byLabel = new Map<string, GraphQLObjectType<GraphNode, GraphView>>();

  constructor(
    private readonly classes: Map<string, NodeClass>,
    readonly args: NodeArgs,
  ) {
    this.node = new GraphQLInterfaceType({ name: 'Node', fields: nodeFields, resolveType: (n: GraphNode) => n.type });
    for (const cls of classes.values()) {
      this.byLabel.set(cls.label, new GraphQLObjectType<GraphNode, GraphView>({ name: cls.label, interfaces: [this.node], fields: () => this.fieldsOf(cls) }));
    }
  }

  get(label: string): GraphQLObjectType<GraphNode, GraphView> {
    return this.byLabel.get(label)!;
  }

  private fieldsOf(cls: NodeClass): GraphQLFieldConfigMap<GraphNode, GraphView> {
    const fields: GraphQLFieldConfigMap<GraphNode, GraphView> = {};
    for (const [name, scalar] of cls.properties) fields[name] = { type: scalarType(scalar), resolve: (n) => propertyValue(scalar, n.props[name]) };
    Object.assign(fields, nodeFields());
    for (const edge of cls.edges.values()) Object.assign(fields, this.linkFields(edge));
    if (cls.cachesCases) fields._related_cases = this.listField(this.classes.get('case')!, (n, view) => view.relatedCases(n));
    const linksArgs = nodeInterfaceArgs();
    delete linksArgs.of_type;
    // peregrine computes a limit for _links and then drops it: every neighbour comes back unless `first` is given.
    linksArgs.first = { type: GraphQLInt };
    fields._links = {
      type: new GraphQLList(this.node),
      args: linksArgs,
      resolve: (n, args: Args, view) => paginate(filterNodes(view, view.neighbours(n).filter((x) => view.visibleAsNode(x)), args, { kind: 'node' }), args, 0),
    };
    Object.assign(fields, transactionLogFields((n) => (n as GraphNode).id));
    return fields;
  }

  /** A link (either direction) as a list field taking the target type's arguments, and its `_<link>_count`. */
  private linkFields(edge: EdgeDef): GraphQLFieldConfigMap<GraphNode, GraphView> {
    const target = this.classes.get(edge.target)!;
    const across = (n: GraphNode, view: GraphView) => view.across(n, edge);
    return {
      [edge.name]: this.listField(target, across),
      [`_${edge.name}_count`]: {
        type: GraphQLInt,
        args: this.args.forClass(target),
        resolve: (n, args: Args, view) => filterNodes(view, visibleOnce(across(n, view), view), args, { kind: 'class', cls: target }).length,
      },
    };
  }

  private listField(target: NodeClass, nodes: (n: GraphNode, view: GraphView) => GraphNode[]): Field {
    return {
      type: new GraphQLList(this.get(target.label)),
      args: this.args.forClass(target),
      resolve: (n, args: Args, view) => paginate(filterNodes(view, visibleOnce(nodes(n, view), view), args, { kind: 'class', cls: target }), args),
    };
  }
}

/** Linked nodes the caller may read, each once (a node linked twice is one row in SQL's IN). */
function visibleOnce(nodes: GraphNode[], view: GraphView): GraphNode[] {
  return [...new Map(nodes.filter((n) => view.visible(n)).map((n) => [n.id, n])).values()];
}
