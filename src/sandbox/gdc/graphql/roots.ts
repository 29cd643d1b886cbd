import { GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLString, type GraphQLFieldConfigMap } from 'graphql';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { pyTypeName } from '../../../rules/shared/pyrepr';
import type { GraphNode } from '../store';
import { dataClasses, type NodeClass } from './classes';
import { DEFAULT_LIMIT, filterNodes, paginate, type Args } from './filters';
import { datanodeFieldTypes, nodeInterfaceArgs } from './node-args';
import { propertyValue, type NodeTypes } from './node-types';
import { graphqlString } from './pyjson';
import type { GraphView } from './view';

type Fields = GraphQLFieldConfigMap<unknown, GraphView>;
const given = (args: Args, key: string) => args[key] !== undefined && args[key] !== null;

/** `<type>` and `_<type>_count` for every node type. */
export function typeRoots(classes: Map<string, NodeClass>, types: NodeTypes): Fields {
  const fields: Fields = {};
  for (const cls of classes.values()) {
    const select = (args: Args, view: GraphView) => filterNodes(view, view.nodesOf(cls.label), args, { kind: 'class', cls });
    const args = types.args.forClass(cls);
    fields[cls.label] = { type: new GraphQLList(types.get(cls.label)), args, resolve: (_s, a: Args, view) => paginate(select(a, view), a) };
    // Counts ignore first and offset, as peregrine's count query does.
    fields[`_${cls.label}_count`] = { type: GraphQLInt, args, resolve: (_s, a: Args, view) => select(a, view).length };
  }
  return fields;
}

/**
 * `node`: the Node interface over every type. With of_type or category it queries those types (each
 * filtered by its own type's authorization); otherwise only nodes carrying a readable project_id.
 */
export function nodeRoot(classes: Map<string, NodeClass>, types: NodeTypes): Fields {
  return {
    node: {
      type: new GraphQLList(types.node),
      args: nodeInterfaceArgs(),
      resolve: (_s, args: Args, view) => {
        let nodes: GraphNode[];
        if (given(args, 'category') || given(args, 'of_type')) {
          let chosen = [...classes.values()];
          // peregrine tests `category in args["category"]`, a substring test on the argument.
          if (given(args, 'category')) chosen = chosen.filter((c) => String(args.category).includes(c.category));
          if (given(args, 'of_type')) chosen = chosen.filter((c) => (args.of_type as unknown[]).includes(c.label));
          const labels = new Set(chosen.map((c) => c.label));
          nodes = [...view.store.all()].filter((n) => labels.has(n.type) && view.visible(n));
        } else {
          nodes = [...view.store.all()].filter((n) => view.visibleAsNode(n));
        }
        return paginate(filterNodes(view, nodes, args, { kind: 'node' }), args);
      },
    },
  };
}

/** `datanode`: every data-file type at once, each node filtered by its own type's properties. */
export function datanodeRoot(classes: Map<string, NodeClass>, types: NodeTypes): Fields {
  const fields = datanodeFieldTypes(classes, (type) => type);
  const DataNode = new GraphQLObjectType<GraphNode, GraphView>({
    name: 'DataNode',
    fields: Object.fromEntries(
      Object.entries(fields).map(([name, type]) => {
        if (name === 'id') return [name, { type, resolve: (n: GraphNode) => n.id }];
        if (name === 'type') return [name, { type, resolve: (n: GraphNode) => n.type }];
        const scalar = type === GraphQLString ? 'String' : type.toString() === '[String]' ? 'List' : 'Other';
        return [name, { type, resolve: (n: GraphNode) => (scalar === 'Other' ? (n.props[name] ?? null) : propertyValue(scalar, n.props[name])) }];
      }),
    ),
  });
  return {
    datanode: {
      type: new GraphQLList(DataNode),
      args: types.args.forDatanode(),
      resolve: (_s, args: Args, view) => {
        let chosen = dataClasses(classes);
        if (given(args, 'of_type')) chosen = chosen.filter((c) => (args.of_type as unknown[]).includes(c.label));
        // peregrine limits each type separately (its documented flaw); here first and offset apply to the whole list.
        const labels = new Set(chosen.map((c) => c.label));
        const nodes = [...view.store.all()].filter((n) => labels.has(n.type) && view.visible(n));
        return paginate(filterNodes(view, nodes, args, { kind: 'datanode' }), args);
      },
    },
  };
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** `_node_type`: the dictionary's node schemas, one String field per top-level key. */
export function nodeTypeRoot(dictionary: Dictionary): Fields {
  const keys = [...new Set([...dictionary.types.values()].flatMap((t) => Object.keys(t.schema)))].filter((k) => NAME.test(k));
  const NodeType = new GraphQLObjectType<Record<string, unknown>>({
    name: 'NodeType',
    fields: Object.fromEntries(keys.map((k) => [k, { type: GraphQLString, resolve: (schema: Record<string, unknown>) => graphqlString(schema[k]) }])),
  });
  const args = Object.fromEntries(keys.map((k) => [k, { type: GraphQLString }]));
  return {
    _node_type: {
      type: new GraphQLList(NodeType),
      args: { first: { type: GraphQLInt, defaultValue: DEFAULT_LIMIT }, order_by_asc: { type: GraphQLString }, order_by_desc: { type: GraphQLString }, ...args },
      resolve: (_s, a: Args) => {
        let schemas = [...dictionary.types.values()].map((t) => t.schema as Record<string, unknown>);
        for (const key of keys.filter((k) => given(a, k))) schemas = schemas.filter((schema) => inArgument(schema[key], String(a[key])));
        for (const [arg, dir] of [
          ['order_by_asc', 1],
          ['order_by_desc', -1],
        ] as const) {
          if (!given(a, arg)) continue;
          const key = String(a[arg]);
          schemas = [...schemas].sort((x, y) => compareText(graphqlString(x[key]), graphqlString(y[key])) * dir);
        }
        return paginate(schemas, a);
      },
    },
  };
}

/** peregrine keeps a node type when `schema[key] in argument`: Python's substring test, which only strings pass. */
function inArgument(value: unknown, argument: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'string') throw new Error(`'in <string>' requires string as left operand, not ${pyTypeName(value)}`);
  return argument.includes(value);
}

function compareText(a: string | null, b: string | null): number {
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}
