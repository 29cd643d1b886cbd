import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { dataClasses, type NodeClass, type Scalar } from './classes';
import { DEFAULT_LIMIT } from './filters';

const STRING_LIST = new GraphQLList(GraphQLString);

/** peregrine's lookup_graphql_type. */
export function scalarType(scalar: Scalar): GraphQLInputType & GraphQLOutputType {
  return scalar === 'Boolean' ? GraphQLBoolean : scalar === 'Float' ? GraphQLFloat : scalar === 'List' ? STRING_LIST : GraphQLString;
}

/** get_base_node_args: what every node query takes. */
export function baseArgs(): GraphQLFieldConfigArgumentMap {
  return {
    id: { type: GraphQLString },
    submitter_id: { type: GraphQLString },
    ids: { type: STRING_LIST },
    quick_search: { type: GraphQLString },
    first: { type: GraphQLInt, defaultValue: DEFAULT_LIMIT },
    offset: { type: GraphQLInt },
    created_before: { type: GraphQLString },
    created_after: { type: GraphQLString },
    updated_before: { type: GraphQLString },
    updated_after: { type: GraphQLString },
    order_by_asc: { type: GraphQLString },
    order_by_desc: { type: GraphQLString },
  };
}

/** get_node_interface_args: `node` (and, without of_type, `_links`). */
export function nodeInterfaceArgs(): GraphQLFieldConfigArgumentMap {
  return { ...baseArgs(), of_type: { type: STRING_LIST }, project_id: { type: GraphQLString }, category: { type: GraphQLString } };
}

/** A type's properties as fields (NotPropertiesInput_<type>, WithPathToInput): one value each. */
function propertyFields(cls: NodeClass): GraphQLInputFieldConfigMap {
  const fields: GraphQLInputFieldConfigMap = {};
  for (const [name, scalar] of cls.properties) fields[name] = { type: scalarType(scalar) };
  if (cls.label === 'project') fields.project_id = { type: GraphQLString };
  return fields;
}

/** The argument sets of every node type, built once per schema (they are shared by root and link fields). */
export class NodeArgs {
  readonly withPathTo: GraphQLInputObjectType;
  private readonly byClass = new Map<string, GraphQLFieldConfigArgumentMap>();

  constructor(private readonly classes: Map<string, NodeClass>) {
    // Every property of every type, as peregrine's get_withpathto_type merges them (a later type wins a name).
    const union: GraphQLInputFieldConfigMap = {};
    for (const cls of classes.values()) Object.assign(union, propertyFields(cls));
    delete union.type;
    this.withPathTo = new GraphQLInputObjectType({
      name: 'WithPathToInput',
      fields: { ...union, id: { type: GraphQLString }, type: { type: new GraphQLNonNull(GraphQLString) } },
    });
  }

  /** get_node_class_args: base args, link and path filters, every property as a list, and `not`. */
  forClass(cls: NodeClass): GraphQLFieldConfigArgumentMap {
    let args = this.byClass.get(cls.label);
    if (args) return args;
    const withPathTo = new GraphQLList(this.withPathTo);
    args = {
      ...baseArgs(),
      with_links: { type: STRING_LIST },
      with_links_any: { type: STRING_LIST },
      without_links: { type: STRING_LIST },
      with_path_to: { type: withPathTo },
      with_path_to_any: { type: withPathTo },
      without_path_to: { type: withPathTo },
    };
    for (const [name, scalar] of cls.properties) args[name] = { type: scalar === 'List' ? STRING_LIST : new GraphQLList(scalarType(scalar)) };
    if (cls.label === 'project') args.project_id = { type: STRING_LIST };
    const not = new GraphQLInputObjectType({ name: `NotPropertiesInput_${cls.label}`, fields: propertyFields(cls) });
    args.not = { type: new GraphQLList(not) };
    this.byClass.set(cls.label, args);
    return args;
  }

  /** get_datanode_interface_args: base args, every data-file property (one value), of_type and project_id. */
  forDatanode(): GraphQLFieldConfigArgumentMap {
    return { ...baseArgs(), ...datanodeFieldTypes(this.classes, (t) => ({ type: t })), of_type: { type: STRING_LIST }, project_id: { type: GraphQLString } };
  }
}

/** The union of the data-file types' properties (the first type to define a name gives its scalar), id and type. */
export function datanodeFieldTypes<T>(classes: Map<string, NodeClass>, wrap: (type: GraphQLInputType & GraphQLOutputType) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const cls of dataClasses(classes)) for (const [name, scalar] of cls.properties) if (!(name in out)) out[name] = wrap(scalarType(scalar));
  out.id = wrap(GraphQLString);
  out.type = wrap(GraphQLString);
  return out;
}
