/**
 * Queries sent as JSON POSTs, executed without Apollo's request pipeline. Apollo costs a few
 * hundred microseconds per request (plugin dispatch, hashing, negotiation, HTTP head merging), more
 * than the rest of a one-record lookup together; measured in `npm run bench` (bench/graph.ts), the
 * gateway behind Apollo alone reaches about a third of a bare proxy's throughput.
 *
 * This path takes only what it answers exactly as Apollo would: a well-formed query (not a
 * mutation) whose document parses and validates against the live schema with the same rules, and
 * whose variables are accepted. Errors from execution are formatted the way Apollo formats them,
 * through the same `formatError`. A query sent as GET is taken when it carries one of the headers
 * Apollo's CSRF prevention asks of a GET (so a browser preflighted it): an APQ GET by hash is what
 * clients send for cacheable reads, and through Apollo it cost about a millisecond more than the
 * same query POSTed. Everything else (mutations, uploads, other GETs, batches, documents that fail
 * to parse or validate, bad variables) goes on to Apollo untouched, with the body (read by
 * src/http/request-body.ts for both paths) in `req.body`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  type FormattedExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  type ParseOptions,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';

import { type JsonLimits, JsonSyntaxError, parseBoundedJson } from '../http/bounded-json';
import { getParams } from '../http/get-params';
import { stringifyInTurns } from '../http/json-in-turns';
import { addVary } from '../http/vary';

type Next = (err?: unknown) => void;

export interface QueryFastPathOptions<C> {
  /** The schema live when a request starts (it is kept to the request's end). */
  schema: () => GraphQLSchema;
  context: (req: IncomingMessage, res: ServerResponse) => Promise<C>;
  /** Apollo's `formatError`, applied to errors Apollo-style enriched. */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Apollo's `parseOptions` and `validationRules`: a document this path accepts, Apollo would accept. */
  parseOptions?: ParseOptions;
  validationRules?: ValidationRule[];
  /** `extensions` every answer carries (Apollo adds them in a plugin). */
  extensions?: (context: C) => Record<string, unknown>;
  /** What Apollo's plugins do once an answer is formatted (request id into errors, metrics); `operationName` is the operation's own name. */
  finish?: (context: C, errors: readonly GraphQLFormattedError[], operationName: string | undefined, started: number, query: string) => void;
  /** Express middleware to run before the body is parsed as GraphQL (input limits). */
  guard?: (req: IncomingMessage, res: ServerResponse, next: Next) => void;
  /**
   * Awaited before an answer is settled (finish, then written): false when the request was refused
   * and answered meanwhile (a caller over its rate limit: src/http/rate-limit.ts admitted()).
   */
  admit?: (res: ServerResponse) => Promise<boolean>;
  /** Answers of at least this many bytes are gzipped when the client accepts it (as the compression middleware would). */
  compressAbove?: number;
}

interface CachedDocument {
  document: DocumentNode;
  /** The operations this document may run, by name ('' for an anonymous one), when they are queries. */
  queries: Set<string>;
}

const MAX_CACHED = 1000;
/**
 * Only documents up to this many characters are kept, and all kept together stay under
 * MAX_CACHED_CHARS: a caller sending large, ever-different documents (a body may be as large as
 * MAX_UPLOAD_BYTES) must not be able to grow the cache's memory without bound.
 */
const MAX_CACHED_QUERY_CHARS = 64 * 1024;
const MAX_CACHED_CHARS = 4 * 1024 * 1024;

interface SchemaCache {
  entries: Map<string, CachedDocument | null>;
  chars: number;
}

/** Parsed and validated documents per schema: a new schema (refresh) starts a new cache. */
export class DocumentCache {
  private readonly bySchema = new WeakMap<GraphQLSchema, SchemaCache>();

  constructor(
    private readonly parseOptions: ParseOptions | undefined,
    private readonly rules: ValidationRule[],
  ) {}

  /** The document if it parses and validates (null if not: Apollo answers those). */
  get(schema: GraphQLSchema, query: string): CachedDocument | null {
    if (query.length > MAX_CACHED_QUERY_CHARS) return this.load(schema, query);
    let cache = this.bySchema.get(schema);
    if (!cache) this.bySchema.set(schema, (cache = { entries: new Map(), chars: 0 }));
    const { entries } = cache;
    if (entries.has(query)) return entries.get(query)!;
    const entry = this.load(schema, query);
    // Oldest first out, until the new one fits both bounds.
    while (entries.size && (entries.size >= MAX_CACHED || cache.chars + query.length > MAX_CACHED_CHARS)) {
      const oldest = entries.keys().next().value!;
      entries.delete(oldest);
      cache.chars -= oldest.length;
    }
    entries.set(query, entry);
    cache.chars += query.length;
    return entry;
  }

  /** What is kept for a schema: documents and their characters. */
  held(schema: GraphQLSchema): { documents: number; chars: number } {
    const cache = this.bySchema.get(schema);
    return { documents: cache?.entries.size ?? 0, chars: cache?.chars ?? 0 };
  }

  private load(schema: GraphQLSchema, query: string): CachedDocument | null {
    let document: DocumentNode;
    try {
      document = parse(query, this.parseOptions);
    } catch {
      return null;
    }
    if (validate(schema, document, this.rules).length) return null;
    const queries = new Set<string>();
    for (const def of document.definitions) {
      if (def.kind === 'OperationDefinition' && def.operation === 'query') queries.add(def.name?.value ?? '');
    }
    return { document, queries };
  }
}

function sendJson(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Whether Accept-Encoding allows gzip (or anything, `*`) with a non-zero quality. */
function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}

/** The answer, gzipped when it is large and the client takes gzip. */
function sendAnswer(req: IncomingMessage, res: ServerResponse, status: number, text: string, compressAbove: number | undefined): void {
  const type = mediaType(req);
  if (compressAbove === undefined) return sendJson(res, status, type, text);
  addVary(res, 'Accept-Encoding');
  if (Buffer.byteLength(text) < compressAbove || !acceptsGzip(req.headers['accept-encoding'] as string | undefined)) return sendJson(res, status, type, text);
  gzip(text, (err, zipped) => {
    if (err) return sendJson(res, status, type, text);
    res.writeHead(status, { 'content-type': type, 'content-encoding': 'gzip', 'content-length': zipped.length });
    res.end(zipped);
  });
}

/** Apollo's choice of media type for a single result. */
function mediaType(req: IncomingMessage): string {
  const accept = req.headers.accept;
  if (accept && /application\/graphql-response\+json/i.test(accept) && !/application\/json/i.test(accept)) {
    return 'application/graphql-response+json; charset=utf-8';
  }
  return 'application/json; charset=utf-8';
}

/** What Apollo does to an error before `formatError`: a GraphQLError with a `code`; `http` moved to the response head. Subscriptions (SSE, WebSocket) format their events through it too. */
export function formatErrors(errors: readonly GraphQLError[], format: QueryFastPathOptions<unknown>['formatError']): { errors: GraphQLFormattedError[]; status?: number } {
  let status: number | undefined;
  const formatted = errors.map((error) => {
    try {
      const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
      const http = extensions.http as { status?: unknown } | undefined;
      if (http && typeof http === 'object') {
        if (typeof http.status === 'number') status = http.status;
        delete extensions.http;
      }
      const enriched: GraphQLFormattedError = { ...error.toJSON(), extensions };
      return format ? format(enriched, error) : enriched;
    } catch {
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
  return { errors: formatted, status };
}

interface Body {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/** Apollo's CSRF prevention lets a GET through on either header (csrfPrevention's default requestHeaders). */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/**
 * Whether a GET carries a header Apollo's CSRF prevention accepts. Only those are taken here: a GET
 * let through for its content type instead is left to Apollo, whose media-type parsing decides it.
 */
export function preflighted(req: IncomingMessage): boolean {
  return PREFLIGHT_HEADERS.some((name) => {
    const value = req.headers[name];
    return typeof value === 'string' && value.length > 0;
  });
}

/** A GET's operation as Apollo reads it (`variables` and `extensions` JSON); null for anything Apollo should judge (a repeated or malformed parameter). */
function getOperation(req: IncomingMessage): Body | null {
  const params = getParams(req);
  const out: Body = {};
  for (const name of ['query', 'variables', 'operationName', 'extensions'] as const) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return null;
    if (name === 'variables' || name === 'extensions') {
      try {
        out[name] = JSON.parse(value);
      } catch {
        return null;
      }
    } else {
      out[name] = value;
    }
  }
  return out;
}

export function queryFastPath<C>(options: QueryFastPathOptions<C>) {
  const cache = new DocumentCache(options.parseOptions, [...specifiedRules, ...(options.validationRules ?? [])]);

  const answer = async (req: IncomingMessage, res: ServerResponse, body: Body, next: Next): Promise<void> => {
    const started = performance.now();
    const schema = options.schema();
    const query = body.query;
    const variables = body.variables ?? undefined;
    const operationName = body.operationName ?? undefined;
    if (typeof query !== 'string' || (variables !== undefined && (typeof variables !== 'object' || Array.isArray(variables))) || (operationName !== undefined && typeof operationName !== 'string')) {
      return next();
    }
    const cached = cache.get(schema, query);
    const operation = cached && getOperationAST(cached.document, operationName as string | undefined);
    if (!cached || !operation || operation.operation !== 'query') return next();
    let contextValue: C;
    try {
      contextValue = await options.context(req, res);
    } catch {
      // A context that cannot be built (bad credentials) is Apollo's to report, in its shape.
      return next();
    }
    const result = (await execute({
      schema,
      document: cached.document,
      variableValues: variables as Record<string, unknown> | undefined,
      operationName: operationName as string | undefined,
      contextValue,
    })) as ExecutionResult;
    // Variables the operation refuses: nothing ran; Apollo answers those (400, BAD_USER_INPUT).
    if (result.data === undefined) return next();
    const out: FormattedExecutionResult = { data: result.data };
    let status = 200;
    if (result.errors?.length) {
      const formatted = formatErrors(result.errors, options.formatError as QueryFastPathOptions<unknown>['formatError']);
      out.errors = formatted.errors;
      status = formatted.status ?? 200;
    }
    if (options.admit && !(await options.admit(res))) return;
    const extensions = { ...(result.extensions ?? {}), ...(options.extensions?.(contextValue) ?? {}) };
    if (Object.keys(extensions).length) out.extensions = extensions;
    options.finish?.(contextValue, out.errors ?? [], operation.name?.value, started, query);
    // The same writer as Apollo's (stringifyResult in src/app.ts): a long answer in turns of the event loop.
    sendAnswer(req, res, status, (await stringifyInTurns(out))!, options.compressAbove);
  };

  // The body was read before (src/http/request-body.ts, one reader for both paths): a JSON POST
  // has it in req.body, a preflighted GET its parameters in the URL; anything else (multipart,
  // other GETs) goes on untouched.
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: Next): void => {
    const get = req.method === 'GET' && preflighted(req);
    if (!get && (req.method !== 'POST' || req.body === undefined)) return next();
    const go = () => {
      // A GET's parameters after the guard: the persisted-operations step writes a resolved query into the URL.
      const body = get ? getOperation(req) : req.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
      answer(req, res, body as Body, next).catch(next);
    };
    if (options.guard) options.guard(req, res, go);
    else go();
  };
}
