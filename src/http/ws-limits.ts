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

/**
 * MAX_WS_SUBSCRIPTIONS_PER_SOCKET: subscriptions running at once on one socket. graphql-ws keeps
 * each socket's running operations in `ctx.subscriptions` (an id is there from its `subscribe`
 * until it ends, however it ends); the ids admitted here are pruned against it, so counting costs
 * at most the limit per `subscribe`, even in a flood of them.
 */
export function subscriptionCap(max: number) {
  const admitted = new WeakMap<object, Set<string>>();
  return (ctx: { subscriptions: Record<string, unknown> }, id: string): GraphQLError[] | null => {
    let ids = admitted.get(ctx);
    if (!ids) admitted.set(ctx, (ids = new Set()));
    for (const running of ids) if (!(running in ctx.subscriptions)) ids.delete(running);
    if (ids.size >= max) {
      recordLimitRefusal('MAX_WS_SUBSCRIPTIONS_PER_SOCKET');
      return [
        new GraphQLError(`This WebSocket runs ${ids.size} subscriptions already (MAX_WS_SUBSCRIPTIONS_PER_SOCKET=${max}): complete one first`, {
          extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_WS_SUBSCRIPTIONS_PER_SOCKET', max },
        }),
      ];
    }
    ids.add(id);
    return null;
  };
}
