import { type DocumentNode, GraphQLError, parse } from 'graphql';
import type { QueryLimits } from '../config';
import { recordLimitRefusal } from '../metrics';
import { limitRules, tokenLimitError } from './limits';
import { runUntypedRules, runUntypedRulesInTurns, UNTYPED_SPEC_RULES } from './untyped-rules';

/**
 * The one seam every path calls before any spec-rule validation (HTTP for the query fast path and
 * for Apollo, multipart included, via src/http/input-limits.ts; WebSocket subscriptions; queries
 * passed on by `gdcGraphql`): the document limits (MAX_TOKENS while parsing, then MAX_ALIASES,
 * MAX_DEPTH, MAX_ROOT_FIELDS, MAX_INPUT_DEPTH, MAX_SAME_NAME_FIELDS, MAX_FRAGMENT_SPREADS) in their
 * own pass. They need no types (one plain walk); graphql-js runs all rules in one pass, so a limit
 * reported there would not stop OverlappingFieldsCanBeMerged, quadratic in what they bound.
 */
export function documentLimitErrors(document: DocumentNode, limits: QueryLimits): readonly GraphQLError[] {
  return runUntypedRules(document, limitRules(limits, { subscriptions: true }));
}

/** The first of documentLimitErrors, or null. */
export function documentLimitError(document: DocumentNode, limits: QueryLimits): GraphQLError | null {
  return documentLimitErrors(document, limits)[0] ?? null;
}

const MAX_CACHED = 1000;
/** Only documents up to this size are kept, all together under MAX_CACHED_CHARS (as src/apollo/query-fast-path.ts does). */
const MAX_CACHED_QUERY_CHARS = 64 * 1024;
const MAX_CACHED_CHARS = 4 * 1024 * 1024;

interface Cache {
  entries: Map<string, readonly GraphQLError[]>;
  chars: number;
}
const caches = new WeakMap<QueryLimits, Cache>();

/** Documents up to this size are checked in one turn (cold, ~5 ms); larger ones in slices. */
const IN_ONE_TURN_CHARS = 8 * 1024;
/** The longest piece of a larger document's check between two turns of the event loop. */
const SLICE_MS = 4;

type Refusals = readonly GraphQLError[];

/**
 * The refusals for a query's text, each with its code: every limit it exceeds (LIMIT_EXCEEDED), or
 * else what the untyped spec rules find (GRAPHQL_VALIDATION_FAILED, src/apollo/untyped-rules.ts);
 * none when it passes both or does not parse for another reason (the GraphQL path answers syntax
 * errors in its own words). Answers are kept by query text: a client repeating its documents
 * parses each once here. Documents over IN_ONE_TURN_CHARS are answered later (a promise): parsed in
 * one turn, their rules run in slices with turns between them, as request bodies are read.
 */
export function queryRefusals(query: string, limits: QueryLimits): Refusals | Promise<Refusals> {
  if (query.length > MAX_CACHED_QUERY_CHARS) return check(query, limits);
  let cache = caches.get(limits);
  if (!cache) caches.set(limits, (cache = { entries: new Map(), chars: 0 }));
  const { entries } = cache;
  if (entries.has(query)) {
    const known = entries.get(query)!;
    // Each refusal is counted, the cached ones too.
    for (const error of known) if (error.extensions.limit) recordLimitRefusal(String(error.extensions.limit));
    return known;
  }
  const keep = (refusals: Refusals): Refusals => {
    while (entries.size && (entries.size >= MAX_CACHED || cache.chars + query.length > MAX_CACHED_CHARS)) {
      const oldest = entries.keys().next().value!;
      entries.delete(oldest);
      cache.chars -= oldest.length;
    }
    entries.set(query, refusals);
    cache.chars += query.length;
    return refusals;
  };
  const refusals = check(query, limits);
  return refusals instanceof Promise ? refusals.then(keep) : keep(refusals);
}

/** The first of queryRefusals, or null. */
export async function queryRefusal(query: string, limits: QueryLimits): Promise<GraphQLError | null> {
  return (await queryRefusals(query, limits))[0] ?? null;
}

const rulesFor = (limits: QueryLimits) => [...limitRules(limits, { subscriptions: true }), ...UNTYPED_SPEC_RULES];

function check(query: string, limits: QueryLimits): Refusals | Promise<Refusals> {
  let document: DocumentNode;
  try {
    // No locations: only a spec error needs them, and that document is parsed again (see refusalsOf).
    document = parse(query, { maxTokens: limits.tokens, noLocation: true });
  } catch (err) {
    const error = tokenLimitError((err as Error).message, limits.tokens);
    return error ? [error] : [];
  }
  if (query.length <= IN_ONE_TURN_CHARS) return refusalsOf(query, runUntypedRules(document, rulesFor(limits)));
  return new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => runUntypedRulesInTurns(document, rulesFor(limits), SLICE_MS))
    .then((errors) => refusalsOf(query, errors));
}

/** The limits exceeded, or else the spec errors, located (a document that has one is parsed again, with locations). */
function refusalsOf(query: string, errors: GraphQLError[]): Refusals {
  const exceeded = errors.filter((e) => e.extensions.code === 'LIMIT_EXCEEDED');
  if (exceeded.length || !errors.length) return exceeded;
  return runUntypedRules(parse(query), UNTYPED_SPEC_RULES).map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
}
