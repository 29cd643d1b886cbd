import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import express from 'express';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import type { Logger } from 'pino';
import { type ContextDeps, createContextFactory, type GatewayContext } from './context';
import { upstreamCallsPlugin } from './apollo/upstream-calls';
import { graphiqlPage } from './graphiql';
import { registry } from './metrics';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';

export interface GatewayApp {
  app: express.Express;
  stop(): Promise<void>;
}

/** Express app serving /graphql (Apollo, multipart uploads, GraphiQL for browsers) and /healthz. */
export async function createGatewayApp(deps: ContextDeps & { logger: Logger }): Promise<GatewayApp> {
  const schema = makeExecutableSchema<GatewayContext>({ typeDefs: loadTypeDefs(), resolvers });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: true,
    // Apollo's landing page loads from a CDN; GraphiQL is served below instead.
    plugins: [ApolloServerPluginLandingPageDisabled(), upstreamCallsPlugin()],
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => {
      const code = formatted.extensions?.code;
      if (code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error }, 'unexpected resolver error');
      return formatted;
    },
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
  app.use(
    '/graphql',
    // Data files (uploadFile) may be far larger than documents; readUpload enforces the documents' limit.
    graphqlUploadExpress({ maxFileSize: Math.max(deps.maxUploadBytes, deps.uploads.maxDataFileBytes), maxFiles: 5 }),
    express.json({ limit: deps.maxUploadBytes }),
    expressMiddleware(apollo, { context: ({ req }) => context({ req }) }),
  );
  return { app, stop: () => apollo.stop() };
}
