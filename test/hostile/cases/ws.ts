import WebSocket from 'ws';
import type { AttackOutcome, HostileCase, HostileTarget } from '../../support/hostile';

/**
 * Hostile GraphQL over WebSocket (issue 18): many sockets from one caller, a flood of `subscribe`
 * messages on one socket, sockets that never send connection_init, oversized messages. Each
 * against the defaults (MAX_WS_CONNECTIONS_PER_CALLER 64, MAX_WS_SUBSCRIPTIONS_PER_SOCKET 100,
 * WS_CONNECTION_INIT_TIMEOUT_MS 3 s, MAX_WS_MESSAGE_BYTES 64 KiB).
 */

export const SOCKETS = 500;
export const FLOOD = 1_000;

interface Opened {
  socket: WebSocket | null;
  status: number;
  body: string;
}

/** Opens a graphql-transport-ws socket: the socket once open, or the status and body it was refused with. */
function open(t: HostileTarget): Promise<Opened> {
  return new Promise((resolve) => {
    const socket = new WebSocket(t.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('error', () => resolve({ socket: null, status: 0, body: '' }));
    socket.on('open', () => resolve({ socket, status: 101, body: '' }));
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ socket: null, status: res.statusCode ?? 0, body }));
    });
  });
}

const closed = (socket: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));

/** The error a refusal's JSON body carries (code and limit). */
function refusal(body: string): { code?: string; limit?: string } {
  try {
    return (JSON.parse(body) as { errors: { extensions?: { code?: string; limit?: string } }[] }).errors[0].extensions ?? {};
  } catch {
    return {};
  }
}

async function acknowledged(t: HostileTarget): Promise<{ socket: WebSocket; messages: Array<{ id?: string; type: string; payload?: unknown }> }> {
  const { socket } = await open(t);
  if (!socket) throw new Error('the WebSocket was refused');
  const messages: Array<{ id?: string; type: string; payload?: unknown }> = [];
  socket.on('message', (d) => messages.push(JSON.parse(String(d))));
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  while (!messages.some((m) => m.type === 'connection_ack')) await new Promise((r) => setTimeout(r, 5));
  return { socket, messages };
}

export const cases: HostileCase[] = [
  {
    name: `${SOCKETS} WebSockets from one caller`,
    async attack(t): Promise<AttackOutcome> {
      // In waves of 50, as the slow-loris case does: what is measured is sockets held and refused,
      // not a burst of 500 TCP accepts at once (which costs any server on 2 cores).
      const all: Opened[] = [];
      for (let wave = 0; wave < SOCKETS / 50; wave++) {
        all.push(...(await Promise.all(Array.from({ length: 50 }, () => open(t)))));
        await new Promise((r) => setTimeout(r, 20));
      }
      const held = all.filter((o) => o.socket);
      const refused = all.filter((o) => o.status === 429);
      await Promise.all(held.map((o) => (o.socket!.close(), closed(o.socket!))));
      const { code, limit } = refusal(refused[0]?.body ?? '');
      return { status: refused.length ? 429 : 101, code, limit, detail: { open: held.length, refused: refused.length } };
    },
  },
  {
    // ws hands the gateway one message per socket and event-loop turn, so a burst is worked through
    // while others are answered; each subscribe here ends at once (no such job), so the cap
    // (MAX_WS_SUBSCRIPTIONS_PER_SOCKET, test/integration/ws-subscriptions.test.ts) is not reached.
    name: `${FLOOD} subscribe messages on one socket`,
    async attack(t): Promise<AttackOutcome> {
      const { socket, messages } = await acknowledged(t);
      const query = 'subscription { jobProgress(id: "no-such-job") { state } }';
      for (let i = 0; i < FLOOD; i++) socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
      const answered = () => new Set(messages.filter((m) => m.id !== undefined && (m.type === 'error' || m.type === 'complete')).map((m) => m.id)).size;
      const until = Date.now() + 120_000;
      while (answered() < FLOOD && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      socket.close();
      await closed(socket);
      const first = messages.find((m) => m.type === 'next')?.payload as { errors?: { extensions?: { code?: string } }[] } | undefined;
      return { status: 101, code: first?.errors?.[0]?.extensions?.code, detail: { answered: answered() } };
    },
  },
  {
    name: '50 WebSockets that never send connection_init',
    async attack(t): Promise<AttackOutcome> {
      const all = await Promise.all(Array.from({ length: 50 }, () => open(t)));
      const ends = await Promise.all(all.map((o) => (o.socket ? closed(o.socket) : { code: -1, reason: `refused ${o.status}` })));
      const codes = [...new Set(ends.map((e) => e.code))];
      return { status: 101, code: codes.length === 1 ? String(codes[0]) : JSON.stringify(codes), detail: ends[0] };
    },
  },
  {
    name: '20 WebSockets sending a 1 MiB message',
    async attack(t): Promise<AttackOutcome> {
      const sockets = await Promise.all(Array.from({ length: 20 }, () => acknowledged(t)));
      const big = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `# ${'x'.repeat(1024 * 1024)}\nsubscription { jobProgress(id: "x") { state } }` } });
      const ends = await Promise.all(sockets.map(({ socket }) => (socket.send(big), closed(socket))));
      const codes = [...new Set(ends.map((e) => e.code))];
      return { status: 101, code: codes.length === 1 ? String(codes[0]) : JSON.stringify(codes), detail: ends[0] };
    },
  },
];

/** What each case must see: the status, and the code (a close code for the last two) and limit. */
export const expected: Record<string, { status: number; code: string; limit?: string }> = {
  [`${SOCKETS} WebSockets from one caller`]: { status: 429, code: 'LIMIT_EXCEEDED', limit: 'MAX_WS_CONNECTIONS_PER_CALLER' },
  [`${FLOOD} subscribe messages on one socket`]: { status: 101, code: 'NOT_FOUND' },
  '50 WebSockets that never send connection_init': { status: 101, code: '4408' },
  '20 WebSockets sending a 1 MiB message': { status: 101, code: '1009' },
};
