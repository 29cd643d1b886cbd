import { type DocumentNode, GraphQLError, type GraphQLSchema, specifiedRules, validate, type ValidationRule } from 'graphql';

/** Apollo's codes for documents it cannot parse or validate; a rule's own code (LIMIT_EXCEEDED, BAD_REQUEST) is kept. */
export function withCode(error: GraphQLError, code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED'): GraphQLError {
  if (error.extensions.code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error.originalError, extensions: { ...error.extensions, code } });
}

/**
 * A subscription's document checked as HTTP checks a query, for both transports (WebSocket, SSE):
 * graphql-js's rules and the gateway's limits, each error with the code Apollo would give it.
 */
export function validateSubscription(schema: GraphQLSchema, document: DocumentNode, rules: ValidationRule[]): GraphQLError[] {
  return validate(schema, document, [...specifiedRules, ...rules]).map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
}
