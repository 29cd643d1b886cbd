import { GraphQLError } from 'graphql';
import { recordLimitRefusal } from '../metrics';

/**
 * MAX_WS_CONNECTIONS_PER_CALLER (issue 18): open WebSockets per caller (src/caller-key.ts's
 * callerKey, the rule rate limits count by). An upgrade over the limit is refused before the
 * socket is upgraded, so a caller opening thousands holds no more than the limit.
 */
export class CallerSockets {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts a socket for `caller`; the refusal's text when the caller already holds `max`. */
  take(caller: string): string | null {
    const now = this.open.get(caller) ?? 0;
    if (now >= this.max) {
      recordLimitRefusal('MAX_WS_CONNECTIONS_PER_CALLER');
      return `This caller holds ${now} WebSockets already (MAX_WS_CONNECTIONS_PER_CALLER=${this.max}): close one, or run several subscriptions on one socket`;
    }
    this.open.set(caller, now + 1);
    return null;
  }

  give(caller: string): void {
    const now = (this.open.get(caller) ?? 1) - 1;
    if (now > 0) this.open.set(caller, now);
    else this.open.delete(caller);
  }
}

/** What the cap needs of graphql-ws's per-socket context: its running ids and the ws socket. */
interface SocketContext {
  subscriptions: Record<string, unknown>;
  extra: { socket: { close(code: number, reason: string): void } };
}

/**
 * MAX_WS_SUBSCRIPTIONS_PER_SOCKET: subscriptions running at once on one socket. graphql-ws keeps
 * each socket's running operations in `ctx.subscriptions` (an id is there from its `subscribe`
 * until it ends, however it ends); the ids admitted here are pruned against it, so counting costs
 * at most the limit per `subscribe`. A socket that goes on subscribing after as many refusals as
 * the limit is flooding, not waiting for room: it is closed (1008, naming the limit), and what it
 * had sent already is dropped without an answer or anything built for it.
 */
export function subscriptionCap(max: number) {
  const sockets = new WeakMap<object, { ids: Set<string>; refused: number }>();
  const flooded: GraphQLError[] = [];
  return (ctx: SocketContext, id: string): GraphQLError[] | null => {
    let state = sockets.get(ctx);
    if (!state) sockets.set(ctx, (state = { ids: new Set(), refused: 0 }));
    if (state.refused > max) {
      // Closing: graphql-ws answers nothing for an id no longer among its subscriptions.
      delete ctx.subscriptions[id];
      return flooded.length ? flooded : (flooded.push(limitError(max, max)), flooded);
    }
    for (const running of state.ids) if (!(running in ctx.subscriptions)) state.ids.delete(running);
    if (state.ids.size < max) {
      state.ids.add(id);
      return null;
    }
    recordLimitRefusal('MAX_WS_SUBSCRIPTIONS_PER_SOCKET');
    if (++state.refused > max) {
      // After the refusals already answered have gone out (their sends are still to come, as microtasks).
      const { socket } = ctx.extra;
      setImmediate(() => socket.close(1008, `Too many subscribe messages beyond MAX_WS_SUBSCRIPTIONS_PER_SOCKET=${max}`));
    }
    return [limitError(state.ids.size, max)];
  };
}

function limitError(running: number, max: number): GraphQLError {
  return new GraphQLError(`This WebSocket runs ${running} subscriptions already (MAX_WS_SUBSCRIPTIONS_PER_SOCKET=${max}): complete one first`, {
    extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_WS_SUBSCRIPTIONS_PER_SOCKET', max },
  });
}

