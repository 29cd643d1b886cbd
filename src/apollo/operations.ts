import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../context';
import { sha256Hex } from '../plugins/trusted-documents';
import { type OperationOutcome, recordOperation } from '../metrics';

/**
 * Per operation: its name for the access log, the request id in every error's extensions, and
 * the operations/latency metrics by name and outcome (ok, error, refused by a limit).
 */
export function operationsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      let type = 'unknown';
      return {
        async didResolveOperation({ operationName, operation }) {
          type = operation?.operation ?? type;
          if (operationName) contextValue.request.operationName = operationName;
        },
        async willSendResponse({ response, request }) {
          if (response.body.kind !== 'single') return;
          finishOperation(contextValue, response.body.singleResult.errors ?? [], request.operationName, type, started, request.query);
        },
      };
    },
  };
}

/**
 * The end of one operation: the request id into every error, the operations metrics, the
 * operation's type and upstream calls for the access log. Shared by
 * the plugin above and the query fast path (src/apollo/query-fast-path.ts), which skips Apollo.
 */
export function finishOperation(
  contextValue: GatewayContext,
  errors: readonly GraphQLFormattedError[],
  requestedName: string | null | undefined,
  type: string,
  started: number,
  /** The document's text, for the span's hash (the SHA-256 APQ and trusted documents use). */
  query?: string,
): void {
  for (const e of errors) {
    (e as { extensions?: Record<string, unknown> }).extensions = { ...e.extensions, requestId: contextValue.request.requestId };
  }
  const codes = errors.map((e) => e.extensions?.code);
  const outcome: OperationOutcome = codes.includes('LIMIT_EXCEEDED') ? 'refused' : errors.length ? 'error' : 'ok';
  const name = contextValue.request.operationName ?? requestedName;
  // For the access line (src/http/access-log.ts), which both paths reach through here.
  contextValue.request.operationType = type;
  contextValue.request.upstreamCalls = contextValue.upstreamCalls.counts();
  // RATE_LIMIT_UPSTREAM_CALLS (src/http/rate-limit.ts): what this operation cost, counted before its answer leaves.
  contextValue.request.spendUpstreamCalls?.(contextValue.upstreamCalls.total());
  contextValue.request.trace?.describe({ name: name ?? null, type, hash: contextValue.request.trace && query ? sha256Hex(query) : null, errors: errors.length });
  recordOperation(name, type, outcome, (performance.now() - started) / 1000);
}
