import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { QueryLimits } from '../config';
import { recordLimitRefusal } from '../metrics';
import { type SelectionCounts, selectionCountsVisitor } from './same-name-fields';
import { runUntypedRules } from './untyped-rules';

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
 * Aliases of each operation with every fragment counted once per spread: a fragment of 50 aliases
 * spread 20 times runs 1,000 aliased fields (graphql-armor counts it once). Each fragment's own
 * total is computed once, so the count is linear in the document however the spreads nest.
 */
function aliasesRule(max: number, record: boolean): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const perFragment = new Map<string, number>();
    const count = (set: SelectionSetNode, visiting: Set<string>): number => {
      let n = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) n += (s.alias ? 1 : 0) + (s.selectionSet ? count(s.selectionSet, visiting) : 0);
        else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet, visiting);
        else n += fragmentAliases(s.name.value, visiting);
        // Past the limit the exact figure does not matter (and spreads could make it astronomical).
        if (n > max) return max + 1;
      }
      return n;
    };
    const fragmentAliases = (name: string, visiting: Set<string>): number => {
      const known = perFragment.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // Unknown fragments and cycles are other rules' errors.
      if (!fragment || visiting.has(name)) return 0;
      visiting.add(name);
      const n = count(fragment.selectionSet, visiting);
      visiting.delete(name);
      perFragment.set(name, n);
      return n;
    };
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const n = count(operation.selectionSet, new Set());
        if (n > max) context.reportError(limitError('MAX_ALIASES', max, `The operation has more than ${max} aliases (fragments counted once per spread)`, record));
      },
    };
  };
}

/**
 * Object and list literals nested deeper than MAX_INPUT_DEPTH (as JSON variables are): the bracket
 * count before parsing allows 2 × MAX_DEPTH + MAX_INPUT_DEPTH, which left room for a 90-deep literal.
 */
function literalDepthRule(max: number, record: boolean): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let depth = 0;
    let reported = false;
    const enter = () => {
      if (++depth > max && !reported) {
        reported = true;
        context.reportError(limitError('MAX_INPUT_DEPTH', max, `A literal in the query nests more than ${max} levels deep`, record));
      }
    };
    const leave = () => void depth--;
    return { ObjectValue: { enter, leave }, ListValue: { enter, leave } };
  };
}

/** MAX_SAME_NAME_FIELDS and MAX_FRAGMENT_SPREADS, counted in one linear pass (src/apollo/same-name-fields.ts). */
function selectionSetRule(limits: QueryLimits, record: boolean): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const found: SelectionCounts = { sameName: { key: '', count: 0 }, spreads: 0 };
    const visitor = selectionCountsVisitor(context, limits.sameNameFields, found);
    return {
      ...visitor,
      Document: {
        leave() {
          if (found.spreads > limits.fragmentSpreads) {
            context.reportError(limitError('MAX_FRAGMENT_SPREADS', limits.fragmentSpreads, `A selection set spreads ${found.spreads} different fragments, more than allowed`, record));
          }
          const { key, count } = found.sameName;
          if (count > limits.sameNameFields) {
            context.reportError(limitError('MAX_SAME_NAME_FIELDS', limits.sameNameFields, `A selection set has ${count} fields answering as "${key}" (fragments merged in), more than allowed`, record));
          }
        },
      },
    };
  };
}

/** Subscriptions need a long-lived transport (WebSocket or SSE): over plain HTTP a client error, not a 500. */
function noSubscriptionsRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation !== 'subscription') return;
      context.reportError(
        new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) or Server-Sent Events (graphql-sse: Accept: text/event-stream) at this path, not as plain JSON over HTTP; or poll a query instead', {
          nodes: [operation],
          extensions: { code: 'BAD_REQUEST' },
        }),
      );
    },
  };
}

/**
 * `record: false` checks without counting refusals in the metrics: the query fast path
 * (src/apollo/query-fast-path.ts) hands a refused document to Apollo, which refuses and counts it.
 *
 * Validation rules for MAX_ALIASES, MAX_DEPTH (graphql-armor) and MAX_ROOT_FIELDS. MAX_TOKENS is
 * the parser's own `maxTokens`; nesting beyond what the parser can take is refused before parsing
 * (see http/input-limits.ts).
 */
export function limitRules(limits: QueryLimits, { record = true, subscriptions = false }: { record?: boolean; subscriptions?: boolean } = {}): ValidationRule[] {
  return [
    // `subscriptions`: the transport is a long-lived one (src/http/ws-subscriptions.ts).
    ...(subscriptions ? [] : [noSubscriptionsRule]),
    aliasesRule(limits.aliases, record),
    literalDepthRule(limits.inputDepth, record),
    maxDepthRule({
      n: limits.depth,
      propagateOnRejection: false,
      onReject: [(ctx, err) => ctx?.reportError(limitError('MAX_DEPTH', limits.depth, `The query nests ${found(err)} levels deep, more than allowed`, record))],
    }),
    rootFieldsRule(limits.rootFields, record),
    selectionSetRule(limits, record),
  ];
}

/** graphql-js says "Document contains more than N tokens"; the caller should learn which variable. */
export function tokenLimitError(message: string, max: number): GraphQLError | null {
  if (!/Document contains more th(?:an|at) \d+ tokens/.test(message)) return null;
  return limitError('MAX_TOKENS', max, `The document has more than ${max} tokens`);
}

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
  // Only untyped rules: the query names the other server's fields.
  const errors = runUntypedRules(document, [...limitRules(limits), ...(introspection ? [] : [noIntrospectionRule])]);
  if (errors.length) throw errors[0];
  return document;
}
