import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  type ASTVisitor,
  buildSchema,
  type DocumentNode,
  GraphQLError,
  Kind,
  parse,
  validate,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { QueryLimits } from '../config';
import { recordLimitRefusal } from '../metrics';

/** The error every limit answers with: which variable, its value, what was found. */
export function limitError(limit: string, max: number, message: string, record = true): GraphQLError {
  if (record) recordLimitRefusal(limit);
  return new GraphQLError(`${message} (${limit}=${max})`, { extensions: { code: 'LIMIT_EXCEEDED', limit, max } });
}

const found = (err: GraphQLError) => /found (\d+)/.exec(err.message)?.[1] ?? 'more';

/** Top-level fields of each operation, fragments expanded: each may cost upstream calls of its own. */
function rootFieldsRule(max: number, record: boolean): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const n = countRootFields(context, operation.selectionSet, new Set());
      if (n > max) context.reportError(limitError('MAX_ROOT_FIELDS', max, `The operation asks for ${n} top-level fields, more than allowed`, record));
    },
  });
}

function countRootFields(context: ValidationContext, set: SelectionSetNode, seen: Set<string>): number {
  let n = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) n += s.name.value === '__typename' ? 0 : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) n += countRootFields(context, s.selectionSet, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = context.getFragment(s.name.value);
      if (fragment) n += countRootFields(context, fragment.selectionSet, seen);
    }
  }
  return n;
}

/**
 * `record: false` checks without counting refusals in the metrics: the query fast path
 * (src/apollo/query-fast-path.ts) hands a refused document to Apollo, which refuses and counts it.
 *
 * Validation rules for MAX_ALIASES, MAX_DEPTH (graphql-armor) and MAX_ROOT_FIELDS. MAX_TOKENS is
 * the parser's own `maxTokens`; nesting beyond what the parser can take is refused before parsing
 * (see http/input-limits.ts).
 */
export function limitRules(limits: QueryLimits, { record = true }: { record?: boolean } = {}): ValidationRule[] {
  return [
    maxAliasesRule({
      n: limits.aliases,
      propagateOnRejection: false,
      onReject: [(ctx, err) => ctx?.reportError(limitError('MAX_ALIASES', limits.aliases, `The document has ${found(err)} aliases, more than allowed`, record))],
    }),
    maxDepthRule({
      n: limits.depth,
      propagateOnRejection: false,
      onReject: [(ctx, err) => ctx?.reportError(limitError('MAX_DEPTH', limits.depth, `The query nests ${found(err)} levels deep, more than allowed`, record))],
    }),
    rootFieldsRule(limits.rootFields, record),
  ];
}

/** graphql-js says "Document contains more than N tokens"; the caller should learn which variable. */
export function tokenLimitError(message: string, max: number): GraphQLError | null {
  if (!/Document contains more th(?:an|at) \d+ tokens/.test(message)) return null;
  return limitError('MAX_TOKENS', max, `The document has more than ${max} tokens`);
}

/** Only the limit rules run on a passthrough query, which names the other server's fields: any schema will do. */
const PASSTHROUGH_SCHEMA = buildSchema('type Query { _unused: Boolean }');

/** `__schema`/`__type` anywhere in a document (the other server's types are unknown here, so by name). */
function noIntrospectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(new GraphQLError(`The query asks for ${node.name.value}: introspection is off on this gateway (INTROSPECTION=false)`, { extensions: { code: 'BAD_USER_INPUT', argument: 'query' } }));
      }
    },
  };
}

/**
 * A query the gateway passes on to another GraphQL server (`gdcGraphql`) is held to the limits the
 * gateway applies to its own documents (MAX_TOKENS, MAX_ALIASES, MAX_DEPTH, MAX_ROOT_FIELDS) and to
 * INTROSPECTION, checked before anything is sent: the other server must not be a way around them.
 */
export function checkPassthroughQuery(query: string, limits: QueryLimits, introspection: boolean): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.tokens });
  } catch (err) {
    const message = (err as Error).message;
    throw tokenLimitError(message, limits.tokens) ?? new GraphQLError(`query is not valid GraphQL: ${message}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'query' } });
  }
  const errors = validate(PASSTHROUGH_SCHEMA, document, [...limitRules(limits), ...(introspection ? [] : [noIntrospectionRule])]);
  if (errors.length) throw errors[0];
  return document;
}
