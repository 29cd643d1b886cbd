import { type DocumentNode, GraphQLError, parse, validate } from 'graphql';
import type { QueryLimits } from '../config';
import { recordLimitRefusal } from '../metrics';
import { limitRules, PASSTHROUGH_SCHEMA, tokenLimitError } from './limits';

/**
 * The one seam every path calls before any spec-rule validation (HTTP for the query fast path and
 * for Apollo, multipart included, via src/http/input-limits.ts; WebSocket subscriptions; queries
 * passed on by `gdcGraphql`): the document limits (MAX_TOKENS while parsing, then MAX_ALIASES,
 * MAX_DEPTH, MAX_ROOT_FIELDS, MAX_INPUT_DEPTH, MAX_SAME_NAME_FIELDS, MAX_FRAGMENT_SPREADS) in their
 * own pass. They need no types, so any schema will do; graphql-js runs all rules in one pass, so a
 * limit reported there would not stop OverlappingFieldsCanBeMerged, quadratic in what they bound.
 */
export function documentLimitErrors(document: DocumentNode, limits: QueryLimits): readonly GraphQLError[] {
  return validate(PASSTHROUGH_SCHEMA, document, limitRules(limits, { subscriptions: true }));
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

/**
 * The refusals for a query's text (every limit it exceeds), none when it is within the limits or
 * does not parse for another reason (the GraphQL path answers syntax errors in its own words).
 * Answers are kept by query text: a client repeating its documents parses each once here.
 */
export function queryLimitErrors(query: string, limits: QueryLimits): readonly GraphQLError[] {
  if (query.length > MAX_CACHED_QUERY_CHARS) return check(query, limits);
  let cache = caches.get(limits);
  if (!cache) caches.set(limits, (cache = { entries: new Map(), chars: 0 }));
  const { entries } = cache;
  if (entries.has(query)) {
    const known = entries.get(query)!;
    // Each refusal is counted, the cached ones too.
    for (const error of known) recordLimitRefusal(String(error.extensions.limit));
    return known;
  }
  const error = check(query, limits);
  while (entries.size && (entries.size >= MAX_CACHED || cache.chars + query.length > MAX_CACHED_CHARS)) {
    const oldest = entries.keys().next().value!;
    entries.delete(oldest);
    cache.chars -= oldest.length;
  }
  entries.set(query, error);
  cache.chars += query.length;
  return error;
}

/** The first of queryLimitErrors, or null. */
export function queryLimitError(query: string, limits: QueryLimits): GraphQLError | null {
  return queryLimitErrors(query, limits)[0] ?? null;
}

function check(query: string, limits: QueryLimits): readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.tokens });
  } catch (err) {
    const error = tokenLimitError((err as Error).message, limits.tokens);
    return error ? [error] : [];
  }
  return documentLimitErrors(document, limits);
}
