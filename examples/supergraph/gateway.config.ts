/**
 * Hive Gateway on the example supergraph:
 *
 *   npx hive-gateway supergraph examples/supergraph/supergraph.graphql -c examples/supergraph/gateway.config.ts
 *
 * The caller's credentials reach the submission gateway only if the router forwards them: the
 * ENCODE access key pair, the GDC token, and the gateway's own API key (GATEWAY_API_KEYS). A
 * router forwards no header by default; these go to the submission gateway and nowhere else.
 */
import { defineConfig } from '@graphql-hive/gateway';

export const FORWARDED_HEADERS = ['authorization', 'x-dcc-api-key', 'x-dcc-secret-key', 'x-auth-token', 'x-request-id'];

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request, subgraphName }) =>
      subgraphName === 'submission-gateway' ? Object.fromEntries(FORWARDED_HEADERS.map((h) => [h, request.headers.get(h)])) : {},
  },
});
