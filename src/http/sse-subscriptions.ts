import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExecutionResult, getOperationAST, GraphQLError, type GraphQLFormattedError, type GraphQLSchema, parse, type ParseOptions, type ValidationRule } from 'graphql';
import { createHandler, type OperationArgs, type Request as SseRequest } from 'graphql-sse';
import Negotiator from 'negotiator';
import type { NodeMiddleware } from './front-door';
import { validateSubscription, withCode } from './subscription-documents';

export interface SseSubscriptionOptions<C> {
  /** The schema now: a swap (src/graph/live.ts) applies to the next subscription. */
  schema: () => GraphQLSchema;
  /** The same document limits as HTTP and WebSocket (src/apollo/limits.ts limitRules), from the one shared function. */
  validationRules: () => ValidationRule[];
  /** MAX_TOKENS, as Apollo and the query fast path parse. */
  parseOptions: ParseOptions;
  /** The GatewayContext from what the HTTP steps left in res.locals (credentials, gateway key). */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<C>;
  /** Every event's errors, as HTTP answers format them (src/apollo/query-fast-path.ts formatErrors + the app's formatError). */
  formatErrors: (errors: readonly GraphQLError[], context: C | null) => GraphQLFormattedError[];
  /** Called once the stream's head is sent: the stream is no request for shutdown to wait for (Lifecycle.release). */
  opened?: (res: ServerResponse) => void;
}

export interface SseSubscriptions {
  /** The /graphql step: takes `Accept: text/event-stream` requests, hands on every other. */
  step: NodeMiddleware;
  /** Open streams. */
  streams: () => number;
  /** Ends every open stream without a `complete` event, so clients take it as a lost connection and reconnect. */
  close: () => void;
}

type BodyRequest = IncomingMessage & { body?: unknown };

/** What /graphql answers in: JSON first, so a wildcard Accept, or one naming none of these, gets JSON. */
const ANSWER_TYPES = ['application/json', 'application/graphql-response+json', 'text/event-stream'];
const NEGOTIATED_ACCEPT_CHARS = 1024;

/**
 * GraphQL over SSE's media type is the one the client prefers (graphql-sse itself wants it alone,
 * exactly). Clients list several: urql asks for `application/graphql-response+json, …,
 * text/event-stream, multipart/mixed` on every query, so "listed" is not "wanted"; the client's
 * q-values and then its order decide, as HTTP content negotiation does.
 */
export function wantsEventStream(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'POST') return false;
  const accept = req.headers.accept;
  if (!accept || !/text\/event-stream/i.test(accept)) return false;
  // Negotiation costs about 15 µs an entry: a header of a thousand entries would hold the loop for
  // milliseconds on every request. Real clients send a few; a longer one must name the stream first.
  if (accept.length > NEGOTIATED_ACCEPT_CHARS) return /^\s*text\/event-stream\s*(;|,|$)/i.test(accept);
  return new Negotiator({ headers: { accept } }).mediaType(ANSWER_TYPES) === 'text/event-stream';
}

const NOT_A_SUBSCRIPTION =
  'Only subscriptions are served as an event stream (Accept: text/event-stream); send queries and mutations as JSON (Accept: application/json)';

/**
 * GraphQL over Server-Sent Events (graphql-sse, "distinct connections" mode: one request per
 * subscription, POST with a JSON body or GET with the parameters in the URL) at /graphql, as a
 * step of the express app after the caller checks, credentials, rate limit, body, persisted
 * operations and input limits: an event stream is admitted exactly as any other request there.
 * Its reservation mode (PUT a token, then operations on one stream) is not served: a stream
 * token would be a second credential, valid for anyone who learns it.
 *
 * Only subscriptions: a query or mutation belongs to the HTTP paths and their plugins (metrics,
 * upstream call counts), so over SSE it gets an error event naming the JSON transport.
 */
export function sseSubscriptions<C>(options: SseSubscriptionOptions<C>): SseSubscriptions {
  const contexts = new WeakMap<IncomingMessage, C>();
  const handler = createHandler<IncomingMessage, { res: ServerResponse }, Record<PropertyKey, unknown>>({
    // No reservations: every request is a distinct-connection one (see above).
    authenticate: () => null,
    validate: (schema, document) => validateSubscription(schema, document, options.validationRules()),
    onSubscribe: async (req, params): Promise<OperationArgs<Record<PropertyKey, unknown>> | ExecutionResult> => {
      const contextValue = await options.context(req.raw, req.context.res);
      contexts.set(req.raw, contextValue);
      let document;
      try {
        document = parse(params.query ?? '', options.parseOptions);
      } catch (err) {
        // `data: null` is how graphql-sse tells a result from execution arguments: sent as an event.
        return { data: null, errors: [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), 'GRAPHQL_PARSE_FAILED')] };
      }
      const operation = getOperationAST(document, params.operationName);
      if (operation && operation.operation !== 'subscription') return { data: null, errors: [new GraphQLError(NOT_A_SUBSCRIPTION, { extensions: { code: 'BAD_REQUEST' } })] };
      return {
        schema: options.schema(),
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: contextValue as Record<PropertyKey, unknown>,
      };
    },
    onNext: (_ctx, req, result) => {
      if (!('errors' in result) || !result.errors?.length) return;
      const context = contexts.get(req.raw) ?? null;
      return { ...result, errors: options.formatErrors(result.errors as GraphQLError[], context) as unknown as GraphQLError[] };
    },
  });
  const open = new Map<ServerResponse, AsyncGenerator<string, void, undefined>>();

  const serve = async (req: BodyRequest, res: ServerResponse): Promise<void> => {
    const request: SseRequest<IncomingMessage, { res: ServerResponse }> = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      // graphql-sse compares the Accept header with its media type exactly; wantsEventStream checked it.
      headers: { get: (key) => (key.toLowerCase() === 'accept' ? 'text/event-stream' : headerValue(req, key)) },
      // The body was read and parsed once, under the request limits (src/http/request-body.ts).
      body: req.method === 'POST' ? ((req.body ?? null) as Record<PropertyKey, unknown> | null) : null,
      raw: req,
      context: { res },
    };
    const [body, init] = await handler(request);
    // Proxies such as nginx buffer responses unless told not to: events would arrive in bursts.
    res.writeHead(init.status, init.statusText, { ...init.headers, ...(body && typeof body !== 'string' ? { 'x-accel-buffering': 'no' } : {}) });
    if (!body || typeof body === 'string') return void res.end(body ?? undefined);
    open.set(res, body);
    options.opened?.(res);
    const stop = () => void body.return(undefined);
    res.once('close', stop);
    try {
      for await (const chunk of body) {
        if (!open.has(res) || !res.writable) break;
        res.write(chunk);
      }
    } finally {
      res.off('close', stop);
      if (open.delete(res)) res.end();
    }
  };

  return {
    step: (req, res, next) => {
      if (!wantsEventStream(req)) return next();
      serve(req, res).catch(next);
    },
    streams: () => open.size,
    close: () => {
      for (const [res, body] of open) {
        open.delete(res);
        // Ended before the generator is told, so no `complete` event is written after.
        res.end();
        void body.return(undefined);
      }
    },
  };
}

function headerValue(req: IncomingMessage, key: string): string | undefined {
  const value = req.headers[key.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
