import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';

/** Every GraphQL response carries `extensions.upstreamCalls: { ENCODE: n, GDC: m }` for its operation. */
export function upstreamCallsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, upstreamCalls: contextValue.upstreamCalls.counts() };
        },
      };
    },
  };
}
