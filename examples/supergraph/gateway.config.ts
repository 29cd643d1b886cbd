/**
 * Hive Gateway on the example supergraph:
 *
 *   npx hive-gateway supergraph examples/supergraph/supergraph.graphql -c examples/supergraph/gateway.config.ts
 *
 * The caller's credentials reach the submission gateway only if the router forwards them: the
 * ENCODE access key pair, the GDC token, and the gateway's own API key (GATEWAY_API_KEYS). A
 * router forwards no header by default; these go to the submission gateway and nowhere else.
 *
 * Two settings keep the router's own time per request low (issue 15, `npm run bench -- federation`):
 * - `unifiedGraphHandler` from `@graphql-hive/router-runtime` (MIT): Hive Router's query planner
 *   (Rust, a native addon) and its executor instead of the default stitching runtime, which
 *   re-delegates every field of every joined entity in JavaScript (on the 100-biosample join, 35-50 %
 *   less router CPU per request). `HIVE_ROUTER_RUNTIME=false` runs the default runtime instead
 *   (the bench compares the two). It prepares its subgraph schemas on the first query that reaches
 *   a subgraph (4.5 s on a busy 2-core machine for this supergraph), so `preparedRouterRuntime`
 *   below does that as the supergraph loads, before the router answers anyone. One difference a
 *   client may see: a request whose non-null root field fails is answered without `data` where the
 *   default runtime sends `data: null` (the errors are the same).
 * - `accept-encoding: identity` to the subgraphs: the router would otherwise ask for gzip, so each
 *   subgraph compresses its answer and the router inflates it again, CPU on both sides for bytes
 *   that only cross loopback or a data-centre link. Drop it when the router reaches subgraphs over
 *   a slow link.
 * - No deduplication of identical in-flight subgraph requests (`deduplicateInflightRequests`, on
 *   by default): to hand one answer to several waiters, the router deep-copies (`structuredClone`)
 *   every subgraph answer, shared or not. On the 100-biosample join that copy cost more than
 *   parsing both answers (0.5 ms for the `_entities` answer, 0.2 ms for `freezers`, against 0.3 ms
 *   of JSON.parse for both, on a busy 2-core machine), on every request; identical concurrent
 *   calls are rare here, since the caller's credentials are part of what makes two calls
 *   identical. Turn it back on for a subgraph hit by many identical anonymous queries at once.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

export const FORWARDED_HEADERS = ['authorization', 'x-dcc-api-key', 'x-dcc-secret-key', 'x-auth-token', 'x-request-id'];

/** The headers the router sends a subgraph for one client request. */
export function subgraphHeaders(subgraphName: string, clientHeaders: { get(name: string): string | null }): Record<string, string | null> {
  const credentials = subgraphName === 'submission-gateway' ? Object.fromEntries(FORWARDED_HEADERS.map((h) => [h, clientHeaders.get(h)])) : {};
  return { 'accept-encoding': 'identity', ...credentials };
}

/**
 * Hive Router's runtime with the subgraph schemas prepared when a supergraph loads (the runtime
 * itself leaves it to the first query: every subgraph at once, whichever is named).
 */
const preparedRouterRuntime: typeof unifiedGraphHandler = async (opts) => {
  const handler = await unifiedGraphHandler(opts);
  const subgraph = /@join__graph\(name: "([^"]+)"/.exec(opts.getUnifiedGraphSDL())?.[1];
  if (subgraph) handler.getSubgraphSchema(subgraph);
  return handler;
};

/** Hive Gateway's own switch (its CLI flag `--hive-router-runtime`), on unless set to false. */
const routerRuntime = !/^(false|0|no|off)$/i.test(process.env.HIVE_ROUTER_RUNTIME ?? '');

export const gatewayConfig = defineConfig({
  ...(routerRuntime ? { unifiedGraphHandler: preparedRouterRuntime } : {}),
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
  propagateHeaders: {
    fromClientToSubgraphs: ({ request, subgraphName }) => subgraphHeaders(subgraphName, request.headers),
  },
});
