import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { buildClasses } from './classes';
import { NodeArgs } from './node-args';
import { NodeTypes } from './node-types';
import { Traversals } from './paths';
import { datanodeRoot, nodeRoot, nodeTypeRoot, typeRoots } from './roots';
import { transactionLogFields } from './transaction-log';
import type { GraphqlModel, GraphView } from './view';

export interface SubmissionGraphql {
  schema: GraphQLSchema;
  model: GraphqlModel;
}

/**
 * The submission GraphQL schema generated from the dictionary, as peregrine's get_schema builds it: per
 * type a root field and its count, `node`, `datanode`, `_node_type`, `viewer` (the same fields again) and
 * `transaction_log` with its count. Field names are the dictionary's, never camel-cased.
 */
export function buildSubmissionGraphql(dictionary: Dictionary): SubmissionGraphql {
  const classes = buildClasses(dictionary);
  const types = new NodeTypes(classes, new NodeArgs(classes));
  const fields = {
    ...typeRoots(classes, types),
    ...nodeRoot(classes, types),
    ...datanodeRoot(classes, types),
    ...nodeTypeRoot(dictionary),
  };
  const viewer = new GraphQLObjectType<unknown, GraphView>({ name: 'viewer', fields });
  const root = new GraphQLObjectType<unknown, GraphView>({
    name: 'Root',
    fields: { ...fields, viewer: { type: viewer, resolve: () => ({}) }, ...transactionLogFields() },
  });
  const schema = new GraphQLSchema({ query: root, types: [...types.byLabel.values()] });
  return { schema, model: { classes, traversals: new Traversals(classes) } };
}
