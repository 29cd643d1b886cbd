/**
 * The example Hive Gateway config (examples/supergraph/gateway.config.ts) plus one bench-only
 * plugin: each answer carries `x-subgraph-ms`, how long that request's subgraph calls took as the
 * router saw them, from sending a call to the head of its response arriving (overlapping calls
 * counted once). Both subgraphs write an answer in one piece, so what follows the head, reading
 * and parsing the body, is the router's own work and stays on its side of the figure.
 * The router's own time for a request is then its latency minus that, from the same request
 * rather than from a separate run of the subgraphs, whose times on a shared machine vary by more
 * than the 2 ms the bench looks for.
 */
import { performance } from 'node:perf_hooks';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { gatewayConfig as example } from '../../examples/supergraph/gateway.config';
import { coveredMs } from './timing';

export const SUBGRAPH_MS_HEADER = 'x-subgraph-ms';

const calls = new WeakMap<Request, [number, number][]>();

const subgraphTiming: GatewayPlugin = {
  onFetch({ context }) {
    const request = 'request' in context ? (context.request as Request) : undefined;
    if (!request) return undefined;
    const start = performance.now();
    return () => {
      const list = calls.get(request) ?? [];
      list.push([start, performance.now()]);
      calls.set(request, list);
    };
  },
  onResponse({ request, response }) {
    const list = calls.get(request);
    if (list) response.headers.set(SUBGRAPH_MS_HEADER, coveredMs(list).toFixed(3));
  },
};

export const gatewayConfig = { ...example, plugins: (ctx: Parameters<NonNullable<typeof example.plugins>>[0]) => [...(example.plugins?.(ctx) ?? []), subgraphTiming] };
