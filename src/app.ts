import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import type { Logger } from 'pino';
import { type ContextDeps, createContextFactory, type GatewayContext } from './context';
import { queryFastPath } from './apollo/query-fast-path';
import { upstreamCallsPlugin } from './apollo/upstream-calls';
import { graphiqlPage } from './graphiql';
import { LiveGraph } from './graph/live';
import { upstreamSources } from './graph/sources';
import { registry } from './metrics';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';

export interface GatewayApp {
  app: express.Express;
  /** The live schema: static SDL plus the typed graph generated from the upstream schemas. */
  graph: LiveGraph;
  stop(): Promise<void>;
}

export interface GraphDeps {
  /** Re-read the upstream schemas this often (0 = never). */
  schemaRefreshSeconds: number;
  /** Longest wait for an upstream schema at start-up before starting without that part. */
  schemaReadTimeoutMs: number;
}

/** Express app serving /graphql (Apollo, multipart uploads, GraphiQL for browsers) and /healthz. */
export async function createGatewayApp(deps: ContextDeps & GraphDeps & { logger: Logger }): Promise<GatewayApp> {
  const formatError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error }, 'unexpected resolver error');
    return formatted;
  };
  const graph = await LiveGraph.start({
    read: upstreamSources(deps.upstreams, deps.schemaReadTimeoutMs),
    base: { typeDefs: loadTypeDefs(), resolvers },
    refreshSeconds: deps.schemaRefreshSeconds,
    logger: deps.logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    // The live graph hands Apollo each new schema; requests keep the one they started with.
    gateway: graph.apolloGateway(),
    introspection: true,
    // Apollo's landing page loads from a CDN; GraphiQL is served below instead.
    // No cache hints (answers depend on the caller's credentials): the cache-control plugin Apollo
    // installs by default would wrap every field of every answer for nothing.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), upstreamCallsPlugin()],
    includeStacktraceInErrorResponses: false,
    formatError,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', sandbox: deps.info.sandbox });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/graphql', (req, res, next) => {
    // Browsers get GraphiQL; GraphQL GET requests (query in the URL) go on to Apollo.
    if (req.query.query === undefined && req.accepts(['text/html', 'application/json']) === 'text/html') {
      res.type('html').send(graphiqlPage(req.baseUrl + req.path));
      return;
    }
    next();
  });
  const context = createContextFactory(deps);
  // Queries skip Apollo's pipeline (the same schema, context, rules and error format); the rest,
  // uploads and mutations included, goes on below with the body already read.
  app.post(
    '/graphql',
    queryFastPath<GatewayContext>({
      schema: () => graph.current.schema,
      context: (req) => context({ req }),
      formatError,
      extensions: (ctx) => ({ upstreamCalls: ctx.upstreamCalls.counts() }),
      maxBodyBytes: deps.maxUploadBytes,
    }),
  );
  app.use(
    '/graphql',
    graphqlUploadExpress({ maxFileSize: deps.maxUploadBytes, maxFiles: 5 }),
    express.json({ limit: deps.maxUploadBytes }),
    expressMiddleware(apollo, { context: ({ req }) => context({ req }) }),
  );
  return { app, graph, stop: () => apollo.stop() };
}
