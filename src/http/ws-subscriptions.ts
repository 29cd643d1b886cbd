import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { useServer as UseServer } from 'graphql-ws/dist/use/ws';
import { WebSocketServer } from 'ws';
import { CallerSockets, subscriptionCap } from './ws-limits';
import { validateSubscription } from './subscription-documents';

// graphql-ws 6 names its Node entry in package "exports", which this tsconfig's module resolution
// does not read: the types come from the file, the code through the exported name (CommonJS build).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require('graphql-ws/use/ws') as { useServer: typeof UseServer };

export interface WsSubscriptionOptions {
  /** The GraphQL path (/graphql): subscriptions share it with HTTP. */
  path: string;
  /** MAX_WS_MESSAGE_BYTES: a client message larger than this (connection_init, subscribe) closes the socket with 1009. */
  maxMessageBytes: number;
  /** The schema now: a swap (src/graph/live.ts) applies to the next subscription. */
  schema: () => GraphQLSchema;
  /** The same document limits as HTTP (src/apollo/limits.ts limitRules), from the one shared function. */
  validationRules: () => ValidationRule[];
  /** Host/Origin and caller checks of the upgrade request, as for HTTP; a refusal is answered before any upgrade. */
  admit: (req: IncomingMessage) => { status: number; reason: string } | null;
  /** The GatewayContext for a subscription, from the upgrade request's headers and connection_init's payload. */
  context: (req: IncomingMessage, connectionParams: Record<string, unknown> | undefined) => Promise<unknown>;
  /** Who an admitted upgrade request counts against (src/caller-key.ts's callerKey). */
  callerOf: (req: IncomingMessage) => string;
  /** MAX_WS_CONNECTIONS_PER_CALLER: beyond it an upgrade is refused with 429. */
  maxConnectionsPerCaller: number;
  /** MAX_WS_SUBSCRIPTIONS_PER_SOCKET: beyond it a `subscribe` is answered with an error message (LIMIT_EXCEEDED). */
  maxSubscriptionsPerSocket: number;
  /** WS_CONNECTION_INIT_TIMEOUT_MS: a socket without connection_init by then is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** Errors as HTTP answers format them (codes, no suggestions without introspection); context null before one exists (validation). */
  formatErrors?: (errors: readonly GraphQLError[], context: unknown) => GraphQLFormattedError[];
}

const STATUS_TEXT: Record<number, string> = { 404: 'Not Found', 429: 'Too Many Requests' };

function refuse(socket: Duplex, status: number, reason: string, extensions?: Record<string, unknown>): void {
  const body = JSON.stringify({ errors: [{ message: reason, ...(extensions ? { extensions } : {}) }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * GraphQL over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on `server`'s upgrade
 * event, at the GraphQL path. Returns a close() for graceful shutdown (closes every socket).
 */
export function attachWsSubscriptions(server: Server, options: WsSubscriptionOptions): { close: () => Promise<void>; clients: () => number } {
  // One message per socket and turn of the event loop (ws's own switch): a network read can hold
  // thousands of messages, and handled back to back they were hundreds of ms others waited out.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, allowSynchronousEvents: false });
  const sockets = new CallerSockets(options.maxConnectionsPerCaller);
  const capSubscriptions = subscriptionCap(options.maxSubscriptionsPerSocket);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (path !== options.path) return refuse(socket, 404, `WebSocket upgrades are served at ${options.path} only`);
    const refusal = options.admit(req);
    if (refusal) return refuse(socket, refusal.status, refusal.reason);
    const caller = options.callerOf(req);
    const tooMany = sockets.take(caller);
    if (tooMany) return refuse(socket, 429, tooMany, { code: 'LIMIT_EXCEEDED', limit: 'MAX_WS_CONNECTIONS_PER_CALLER', max: options.maxConnectionsPerCaller });
    // The TCP socket closes with the WebSocket, or without it if the upgrade never completes.
    socket.once('close', () => sockets.give(caller));
    // src/listen.ts's headers timeout is cleared by 'request', which an upgrade never emits; ws
    // clears it itself when it takes the socket (guarded by test/integration/gateway/ws-subscriptions.test.ts).
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const graphqlWs = useServer(
    {
      schema: () => options.schema(),
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onSubscribe: (ctx, id) => capSubscriptions(ctx, id) ?? undefined,
      context: (ctx) => options.context(ctx.extra.request, ctx.connectionParams as Record<string, unknown> | undefined) as never,
      validate: (schema, document) => validateSubscription(schema, document, options.validationRules()),
      onError: options.formatErrors && ((_ctx, _id, _payload, errors) => options.formatErrors!(errors, null)),
      onNext:
        options.formatErrors &&
        ((_ctx, _id, _payload, args, result) => (result.errors?.length ? { ...result, errors: options.formatErrors!(result.errors, args.contextValue) } : undefined)),
    },
    wss,
  );
  return {
    clients: () => wss.clients.size,
    close: async () => {
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
