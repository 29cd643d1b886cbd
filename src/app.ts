import type { Redis } from 'ioredis';
import { type Tracer, tracingStep } from './plugins/tracing';
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express, { type Request, type Response } from 'express';
import { type GraphQLError, type GraphQLFormattedError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import helmet from 'helmet';
import { limitRules, tokenLimitError } from './apollo/limits';
import { finishOperation, operationsPlugin } from './apollo/operations';
import { formatErrors, preflighted, queryFastPath } from './apollo/query-fast-path';
import { upstreamCallsPlugin } from './apollo/upstream-calls';
import type { BodyConfig, CorsConfig, QueryLimits, RateLimitConfig } from './config';
import { admissionStep, admitted, rateLimitStep } from './http/rate-limit';
import { type ClientAddress, clientAddressRule } from './http/client-address';
import { type ContextDeps, createContextFactory, type GatewayContext } from './context';
import type { JobsDeps } from './jobs/open';
import { JobRunner } from './jobs/runner';
import { callerCredentials, type CredentialPolicy } from './credentials';
import { subgraphFile } from './federation/http';
import { isGraphiqlGet, sendGraphiql } from './graphiql';
import { LiveGraph } from './graph/live';
import { upstreamSources } from './graph/sources';
import type { AccessLogMode } from './config';
import { accessLog } from './http/access-log';
import { frontDoor, type NodeMiddleware, oncePerRequestSteps } from './http/front-door';
import { precomputedHeaders } from './http/precomputed-headers';
import { bodyErrors, notFound } from './http/body-errors';
import { callerAuth } from './http/caller-auth';
import { clientRequestError } from './http/client-errors';
import { corsRule } from './http/cors';
import { persistedOperations } from './plugins/persisted-operations';
import type { TrustedDocuments } from './plugins/trusted-documents';
import { sendError } from './http/error-body';
import { hostOrigin } from './http/host-origin';
import { wsAdmit, wsLocals } from './http/ws-admit';
import { attachWsSubscriptions } from './http/ws-subscriptions';
import { callerKey } from './caller-key';
import { sseSubscriptions, wantsEventStream } from './http/sse-subscriptions';
import { InflightBytes } from './http/inflight-bytes';
import { inputLimits } from './http/input-limits';
import { bodyJsonLimits } from './http/bounded-json';
import { stringifyInTurns } from './http/json-in-turns';
import { requestBody } from './http/request-body';
import type { Lifecycle } from './lifecycle';
import { registry } from './metrics';
import type { Readiness } from './readiness';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';

export interface AppDeps extends Omit<ContextDeps, 'jobs'> {
  /** The process's job store and update channel (src/jobs/open.ts); the runner is made here. */
  jobStore: JobsDeps;
  /** Tests: another reader, bus or event pacing for subscriptions. */
  jobUpdates?: Partial<Pick<ContextDeps['jobs'], 'reader' | 'updates' | 'timing'>>;
  lifecycle: Lifecycle;
  readiness: Readiness;
  credentials: CredentialPolicy;
  /** GATEWAY_API_KEYS; empty = no caller auth. */
  apiKeys: string[];
  limits: QueryLimits;
  rateLimit: RateLimitConfig;
  /** A request's client address (TRUST_PROXY, src/http/client-address.ts): rate-limit keys and the access log; default the peer. */
  clientAddress?: ClientAddress;
  /** REDIS_URL's connection (src/redis.ts), for the state every instance shares; null = in-process. */
  redis?: Redis | null;
  /** OpenTelemetry (src/plugins/otel.ts) when OTEL_EXPORTER_OTLP_ENDPOINT is set; null = no tracing. */
  tracer?: Tracer | null;
  introspection: boolean;
  cors: CorsConfig;
  /** TRUSTED_DOCUMENTS: only these operations run; null = any, with automatic persisted queries. */
  trustedDocuments: TrustedDocuments | null;
  /** Re-read the upstream schemas this often (0 = never). */
  schemaRefreshSeconds: number;
  /** Longest wait for an upstream schema at start-up before starting without that part. */
  schemaReadTimeoutMs: number;
  bodies: BodyConfig;
  /** ACCESS_LOG: which requests get an access log line. */
  accessLog: AccessLogMode;
  /** Who may call over HTTP: `Host` names (checked only when `checkHost`) and browser origins. */
  callers: { checkHost: boolean; allowedHosts: string[]; cors: CorsConfig };
}

export interface GatewayApp {
  app: express.Express;
  /** What the HTTP server runs: the query front door, then the app. */
  handler: RequestListener;
  /** The live schema: static SDL plus the typed graph generated from the upstream schemas. */
  graph: LiveGraph;
  /**
   * Serves subscriptions over WebSocket (graphql-transport-ws) on `server`'s upgrades at /graphql
   * (those over SSE are served by the app itself); close() on stop ends both kinds.
   */
  subscriptions(server: HttpServer): { close: () => Promise<void>; clients: () => number };
  /** Runs the jobs: resumeInterrupted() once listening, drain() on graceful stop. */
  runner: JobRunner;
  stop(): Promise<void>;
}

/** Answers from this size on are gzipped for clients that accept it. */
const COMPRESS_ABOVE_BYTES = 1024;

/** What Apollo and the query fast path both do to every error before it is sent. */
function errorFormatter(deps: AppDeps) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const tokens = tokenLimitError(formatted.message, deps.limits.tokens);
    if (tokens) return { message: tokens.message, extensions: tokens.extensions };
    // With introspection off, "Did you mean …" would still name fields, types, arguments and enum values.
    if (!deps.introspection) formatted = withoutSuggestions(formatted);
    if (formatted.extensions?.limit) return { ...formatted, extensions: { ...formatted.extensions, code: 'LIMIT_EXCEEDED' } };
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      // An upload stream that failed because of the request itself (client gone, broken multipart).
      const known = clientRequestError((error as GraphQLError | undefined)?.originalError);
      if (known) {
        deps.logger.debug({ err: error }, 'request error reading an upload');
        return { ...formatted, extensions: { ...formatted.extensions, code: known.code } };
      }
      deps.logger.error({ err: error }, 'unexpected resolver error');
    }
    // Apollo labels every validation error GRAPHQL_VALIDATION_FAILED; a rule that set its own code (subscriptions: BAD_REQUEST) keeps it.
    const own = (error as { originalError?: { extensions?: Record<string, unknown> } } | null)?.originalError?.extensions?.code;
    if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && typeof own === 'string') return { ...formatted, extensions: { ...formatted.extensions, code: own } };
    return formatted;
  };
}

/** graphql-js words suggestions as "Did you mean X?" (and "Did you mean X, Y, or Z?") at the end of a sentence. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = formatted.message.replace(SUGGESTION, '');
  return message === formatted.message ? formatted : { ...formatted, message };
}

async function startApollo(deps: AppDeps, graph: LiveGraph): Promise<ApolloServer<GatewayContext>> {
  const apollo = new ApolloServer<GatewayContext>({
    // The live graph hands Apollo each new schema; requests keep the one they started with.
    gateway: graph.apolloGateway(),
    introspection: deps.introspection,
    // The gateway owns shutdown (src/server.ts): a second handler would stop the server twice.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: deps.limits.tokens },
    validationRules: limitRules(deps.limits),
    // Apollo's landing page loads from a CDN; GraphiQL is served below instead.
    // No cache hints (answers depend on the caller's credentials): the cache-control plugin Apollo
    // installs by default would wrap every field of every answer for nothing.
    // Apollo would add federated tracing (ftv1) once it sees `_service`: routers that ask for it
    // would pay for per-field timing on every request, and the fast path has none to give.
    // Persisted operations are resolved before either path runs (src/plugins/persisted-operations.ts).
    persistedQueries: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled(), upstreamCallsPlugin(), operationsPlugin()],
    includeStacktraceInErrorResponses: false,
    formatError: errorFormatter(deps),
    // As Apollo's own (JSON and a newline), written in turns of the event loop as the fast path's answers are.
    stringifyResult: async (result) => `${await stringifyInTurns(result)}\n`,
  });
  await apollo.start();
  return apollo;
}

/** This request's credentials (own headers, then what the policy lends), for the context. */
function credentials(policy: CredentialPolicy) {
  return (req: IncomingMessage, res: ServerResponse & { locals: Record<string, unknown> }, next: (err?: unknown) => void) => {
    res.locals.requestId = String(res.getHeader('x-request-id') ?? '');
    try {
      res.locals.credentials = callerCredentials(req.headers, policy, res.locals.authenticated === true);
    } catch (err) {
      return sendError(res, 401, (err as GraphQLError).message, 'UNAUTHENTICATED', { upstream: 'ENCODE' });
    }
    next();
  };
}

/**
 * Express app: /graphql (Apollo, multipart uploads, GraphiQL for browsers), /healthz, /readyz,
 * /metrics, /subgraph.graphql (the Federation 2 subgraph SDL). Every refusal in front of Apollo answers GraphQL-style JSON (src/http/error-body.ts).
 */
export async function createGatewayApp(deps: AppDeps): Promise<GatewayApp> {
  const graph = await LiveGraph.start({
    read: upstreamSources(deps.upstreams, deps.schemaReadTimeoutMs),
    base: { typeDefs: loadTypeDefs(), resolvers },
    refreshSeconds: deps.schemaRefreshSeconds,
    logger: deps.logger,
  });
  const apollo = await startApollo(deps, graph);
  const updates = deps.jobUpdates?.updates ?? deps.jobStore.updates;
  // A job's slices run through a context of their own, with the owner's credentials (src/jobs/runner.ts).
  const runner = new JobRunner({
    store: deps.jobStore.store,
    updates,
    encryptionKey: deps.jobStore.config.encryptionKey,
    maxRunning: deps.jobStore.config.maxRunning,
    queue: deps.jobStore.queue,
    logger: deps.logger,
    contextFor: (credentials, trace) => context({ res: { locals: { credentials, requestId: 'job', jobTrace: trace } } }),
    tracer: deps.tracer ?? null,
  });
  const jobs = { reader: deps.jobStore.reader, store: deps.jobStore.store, runner, ...deps.jobUpdates, updates };
  const context = createContextFactory({ ...deps, jobs, gdcParentRanks: () => graph.current.gdcParentRanks });
  // The steps every request takes first, in the express app and in the front door alike.
  // Each once per request, whichever of the two ran it first.
  const oncePerRequest = oncePerRequestSteps();
  const clientAddress = deps.clientAddress ?? clientAddressRule(null);
  const log = oncePerRequest(accessLog(deps.logger, deps.accessLog, clientAddress) as NodeMiddleware);
  // The operation's span: opened first thing, so refusals are traced too.
  const traced = oncePerRequest(tracingStep(deps.tracer ?? null) as NodeMiddleware);
  // Before everything that may refuse: a browser app reads refusals too, and preflights carry no credentials.
  const cors = oncePerRequest(corsRule(deps.cors));
  const lifecycle = oncePerRequest(deps.lifecycle.middleware());
  // A JSON API loads nothing: the strictest policy; the GraphiQL page sets its own.
  const headers = oncePerRequest(precomputedHeaders(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } })));
  const auth = oncePerRequest(callerAuth(deps.apiKeys) as NodeMiddleware);
  const lend = oncePerRequest(credentials(deps.credentials) as NodeMiddleware);
  // Per caller (src/caller-key.ts), so after auth and credentials; started before the body is read (admitted later: see the step).
  const rateLimitCounting = rateLimitStep(deps.rateLimit, deps.redis, clientAddress);
  const rateLimit = oncePerRequest(rateLimitCounting as unknown as NodeMiddleware);
  const callers = oncePerRequest(hostOrigin({ ...deps.callers, openToAnyOrigin: (req) => isGraphiqlGet(req) }));
  // After auth and credentials: a refused caller's body is never read (nor 100 Continue sent).
  const body = oncePerRequest(
    requestBody({ jsonLimits: bodyJsonLimits(deps.limits), maxBytes: deps.bodies.maxRequestBytes, inflight: new InflightBytes(deps.bodies.maxInflightBytes), acceptCompressed: deps.bodies.acceptCompressed }),
  );
  // APQ and trusted documents, one step for the fast path and Apollo: a query filled in, or a refusal before parsing.
  const persisted = oncePerRequest(persistedOperations({ trusted: deps.trustedDocuments }) as NodeMiddleware);
  const limits = inputLimits(deps.limits) as NodeMiddleware;
  const finalErrors = bodyErrors(deps.logger, deps.maxUploadBytes);
  // The same caller checks, context factory, live schema and document limits for both subscription transports (issue 16).
  const subscriptionRules = () => [...limitRules(deps.limits, { subscriptions: true }), ...(deps.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const formatError = errorFormatter(deps);
  // An event's errors as HTTP answers carry them: Apollo's codes, the formatter, the request id.
  const subscriptionErrors = (errors: readonly GraphQLError[], ctx: unknown) =>
    formatErrors(errors, formatError).errors.map((e) => {
      const requestId = (ctx as GatewayContext | null)?.request.requestId;
      return requestId ? { ...e, extensions: { ...e.extensions, requestId } } : e;
    });
  const sse = sseSubscriptions<GatewayContext>({
    schema: () => graph.current.schema,
    validationRules: subscriptionRules,
    parseOptions: { maxTokens: deps.limits.tokens },
    context: async (_req, res) => {
      const ctx = await context({ res: res as Response });
      ctx.request.operationType = 'subscription';
      return ctx;
    },
    formatErrors: subscriptionErrors,
    opened: (res) => deps.lifecycle.release(res),
  });

  const app = express();
  app.disable('x-powered-by');
  // No ETag: a GraphQL answer is computed per request, and hashing one of 50 MB held the event loop ~60 ms.
  app.set('etag', false);
  app.use(log, traced, cors, lifecycle, headers, callers);
  // Queries (JSON POSTs) compress their own large answers (src/apollo/query-fast-path.ts); what the
  // fast path hands on to Apollo is compressed below, so no answer pays for compression twice.
  const compress = compression({ threshold: COMPRESS_ABOVE_BYTES });
  // An event stream is written event by event: compressed, its events would wait in the compressor.
  const compressAnswers: express.RequestHandler = (req, res, next) => (wantsEventStream(req) ? next() : compress(req, res, next));
  app.use((req, res, next) => ((req.method === 'POST' || isGraphiqlGet(req)) && req.path === '/graphql' ? next() : compressAnswers(req, res, next)));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok', sandbox: deps.info.sandbox }));
  app.get('/readyz', async (_req, res) => {
    const report = await deps.readiness.report();
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  app.get('/graphql', (req, res, next) => {
    // Browsers get GraphiQL (static, no data: it asks for a key in its headers pane when one is
    // needed), served precompressed, so not through `compress` above.
    if (isGraphiqlGet(req) && req.accepts(['text/html', 'application/json']) === 'text/html') {
      return void sendGraphiql(req, res, req.baseUrl + req.path).catch(next);
    }
    next();
  });

  app.use(auth);
  app.get('/subgraph.graphql', subgraphFile(graph));
  app.get('/metrics', async (_req, res) => void res.type(registry.contentType).send(await registry.metrics()));
  app.use(
    '/graphql',
    lend,
    rateLimit,
    compressAnswers,
    // One byte more for busboy, which flags a file that reaches its limit: the limits are inclusive.
    // Data files (uploadFile, MAX_DATA_FILE_BYTES) may be far larger than documents; readUpload
    // holds documents to MAX_UPLOAD_BYTES itself.
    // Every other body is read by `body` alone (MAX_REQUEST_BYTES, inflated under the same cap).
    body,
    // A small request went on while its rate-limit check was under way: nothing runs for it past here until it is admitted.
    admissionStep,
    graphqlUploadExpress({ maxFileSize: Math.max(deps.maxUploadBytes, deps.uploads.maxDataFileBytes) + 1, maxFiles: 5 }),
    persisted,
    limits,
    // Subscriptions over SSE (Accept: text/event-stream); everything else goes on to Apollo.
    sse.step,
    expressMiddleware(apollo, { context: ({ res }) => context({ res }) }),
  );
  app.use(notFound);
  app.use(finalErrors);

  // Queries skip express and Apollo's pipeline (the same schema, context, limits, error format and
  // metrics); the rest (uploads, mutations, refusals) goes on to the app with the body already read.
  const fastPath = queryFastPath<GatewayContext>({
    schema: () => graph.current.schema,
    context: (_req, res) => context({ res: res as Response }),
    parseOptions: { maxTokens: deps.limits.tokens },
    validationRules: [...limitRules(deps.limits, { record: false }), ...(deps.introspection ? [] : [NoSchemaIntrospectionCustomRule])],
    formatError: errorFormatter(deps),
    extensions: (ctx) => ({ upstreamCalls: ctx.upstreamCalls.counts() }),
    finish: (ctx, errors, operationName, started, query) => {
      // As operationsPlugin's didResolveOperation does: the access log names the operation.
      if (operationName) ctx.request.operationName = operationName;
      finishOperation(ctx, errors, operationName, 'query', started, query);
    },
    guard: (req, res, next) => persisted(req, res, (err) => (err ? next(err) : limits(req, res, next))),
    admit: admitted,
    compressAbove: COMPRESS_ABOVE_BYTES,
  });
  const handler = frontDoor({
    path: '/graphql',
    // A GET the fast path may answer (GraphiQL's page and the rest stay the express app's).
    takesGet: preflighted,
    // An event stream (SSE subscription, or a query sent as one: refused there) is the express app's.
    steps: [log, traced, cors, lifecycle, headers, callers, auth, lend, rateLimit, body, (req, res, next) => (wantsEventStream(req) ? next() : (fastPath as NodeMiddleware)(req, res, next))],
    rest: app,
    onError: (err, req, res) => finalErrors(err as Error, req as Request, res as Response, () => undefined),
  });
  const subscriptions = (server: HttpServer) => {
    const ws = attachWsSubscriptions(server, {
      path: '/graphql',
      maxMessageBytes: deps.bodies.maxWsMessageBytes,
      maxConnectionsPerCaller: deps.bodies.maxWsConnectionsPerCaller,
      maxSubscriptionsPerSocket: deps.bodies.maxWsSubscriptionsPerSocket,
      connectionInitTimeoutMs: deps.bodies.wsConnectionInitTimeoutMs,
      // The gateway key an admitted upgrade proved (wsAdmit), as HTTP's rate limit counts it.
      callerOf: (req) => callerKey(req, wsLocals(req, undefined, deps.credentials, deps.apiKeys).gatewayKey, clientAddress),
      schema: () => graph.current.schema,
      validationRules: subscriptionRules,
      admit: wsAdmit(deps),
      context: (req, payload) => context({ res: { locals: wsLocals(req, payload, deps.credentials, deps.apiKeys) as unknown as Record<string, unknown> } }),
      formatErrors: subscriptionErrors,
    });
    return {
      clients: () => ws.clients() + sse.streams(),
      close: async () => {
        sse.close();
        await ws.close();
      },
    };
  };
  return {
    app,
    handler,
    graph,
    subscriptions,
    runner,
    // Requests tallied for the rate limits are counted before the caller closes Redis.
    stop: () => Promise.all([apollo.stop(), rateLimitCounting.flush()]).then(() => undefined),
  };
}
