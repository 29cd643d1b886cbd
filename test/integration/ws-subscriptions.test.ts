import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeExecutableSchema } from '@graphql-tools/schema';
import WebSocket from 'ws';
import type { Client, createClient as CreateClient } from 'graphql-ws/dist/client';
import { attachWsSubscriptions } from '../../src/http/ws-subscriptions';
import { limitRules } from '../../src/apollo/limits';
import { loadConfig } from '../../src/config';
import { loadTypeDefs } from '../../src/schema';
import { resolvers } from '../../src/resolvers';
import { type JobModel, type JobState, LocalJobUpdates } from '../../src/jobs/updates';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('graphql-ws') as { createClient: typeof CreateClient };

const job = (done: number, state: JobState = 'RUNNING'): JobModel => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  progress: { total: 20, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  owner: 'alice',
});

describe('GraphQL over WebSocket (graphql-transport-ws)', () => {
  const bus = new LocalJobUpdates();
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
  const limits = loadConfig({}).limits;
  let server: http.Server;
  let ws: ReturnType<typeof attachWsSubscriptions>;
  let url: string;
  const clients: Client[] = [];
  const client = (owner: string) => {
    const c = createClient({ url, webSocketImpl: WebSocket, connectionParams: { owner }, retryAttempts: 0, lazy: true });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end());
    ws = attachWsSubscriptions(server, {
      path: '/graphql',
      maxMessageBytes: 64 * 1024,
      schema: () => schema,
      validationRules: () => limitRules(limits, { subscriptions: true }),
      admit: (req) => (req.headers.origin === 'https://evil.example' ? { status: 403, reason: 'Origin not allowed' } : null),
      // Sockets that name no caller count apart (the tests above); the limit tests below name theirs.
      callerOf: (req) => String(req.headers['x-caller'] ?? `anonymous-${Math.random()}`),
      maxConnectionsPerCaller: 3,
      maxSubscriptionsPerSocket: 2,
      connectionInitTimeoutMs: 500,
      context: async (_req, params) => ({
        jobs: {
          reader: { get: async (id: string, owner: string) => (id === 'j1' && owner === 'alice' ? job(0) : null) },
          updates: bus,
          owner: String(params?.owner),
          timing: { minIntervalMs: 50, keepaliveMs: 400 },
        },
      }),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await ws.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('streams monotonic progress ending in SUCCEEDED and leaves no listener', async () => {
    const got: Array<{ state: string; done: number }> = [];
    const finished = new Promise<void>((resolve, reject) =>
      client('alice').subscribe<{ jobProgress: { state: string; progress: { done: number } } }>(
        { query: 'subscription { jobProgress(id: "j1") { state progress { done } } }' },
        { next: (r) => got.push({ state: r.data!.jobProgress.state, done: r.data!.jobProgress.progress.done }), error: reject, complete: resolve },
      ),
    );
    while (bus['emitter'].listenerCount('j1') === 0) await new Promise((r) => setTimeout(r, 5));
    for (let i = 1; i <= 20; i++) {
      await new Promise((r) => setTimeout(r, 10));
      bus.publish(job(i, i === 20 ? 'SUCCEEDED' : 'RUNNING'));
    }
    await finished;
    expect(got[0]).toMatchObject({ state: 'RUNNING', done: 0 });
    expect(got[got.length - 1]).toMatchObject({ state: 'SUCCEEDED', done: 20 });
    // Pacing is checked exactly with fake timers (test/unit/jobs/throttle.test.ts): receipt times
    // over a socket on a loaded 2-core machine jitter by tens of milliseconds, so not here.
    for (let i = 1; i < got.length; i++) expect(got[i].done).toBeGreaterThan(got[i - 1].done);
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });

  it('re-sends the state while nothing changes, and closing the client removes its listener', async () => {
    let events = 0;
    const c = client('alice');
    c.subscribe({ query: 'subscription { jobProgress(id: "j1") { state } }' }, { next: () => events++, error: () => {}, complete: () => {} });
    await new Promise((r) => setTimeout(r, 1000));
    expect(events).toBeGreaterThanOrEqual(3);
    expect(bus['emitter'].listenerCount('j1')).toBe(1);
    await c.dispose();
    for (let i = 0; i < 50 && bus['emitter'].listenerCount('j1'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });

  it("gives another owner NOT_FOUND", async () => {
    const err = await new Promise<unknown>((resolve) =>
      client('mallory').subscribe({ query: 'subscription { jobProgress(id: "j1") { state } }' }, { next: (r) => resolve(r.errors), error: resolve, complete: () => {} }),
    );
    expect(JSON.stringify(err)).toContain('NOT_FOUND');
  });

  it('refuses an over-deep subscription with the HTTP limits', async () => {
    const deep = `subscription { jobProgress(id: "j1") { ${'result { entities { '.repeat(limits.depth)}id${' } }'.repeat(limits.depth)} } }`;
    const err = await new Promise<unknown>((resolve) =>
      client('alice').subscribe({ query: deep }, { next: (r) => resolve(r.errors), error: resolve, complete: () => {} }),
    );
    expect(JSON.stringify(err)).toMatch(/depth/i);
  });

  it('refuses an upgrade from a disallowed Origin before any WebSocket exists', async () => {
    const status = await new Promise<number>((resolve) => {
      const s = new WebSocket(url, 'graphql-transport-ws', { origin: 'https://evil.example' });
      s.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      s.on('open', () => resolve(101));
      s.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  /** A raw graphql-transport-ws socket: what it was answered (status or open) and the messages it got. */
  function rawSocket(caller: string) {
    const s = new WebSocket(url, 'graphql-transport-ws', { headers: { 'x-caller': caller } });
    const messages: Array<{ id?: string; type: string; payload?: unknown }> = [];
    s.on('message', (d) => messages.push(JSON.parse(String(d))));
    s.on('error', () => {});
    const opened = new Promise<{ status: number; body: string }>((resolve) => {
      s.on('open', () => resolve({ status: 101, body: '' }));
      s.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => s.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    const until = async (test: () => boolean) => {
      while (!test()) await new Promise((r) => setTimeout(r, 5));
    };
    return { s, messages, opened, closed, until };
  }

  it('refuses a caller its 4th open socket with 429 naming MAX_WS_CONNECTIONS_PER_CALLER, and takes it again once one closes', async () => {
    const held = [rawSocket('carol'), rawSocket('carol'), rawSocket('carol')];
    expect((await Promise.all(held.map((h) => h.opened))).map((o) => o.status)).toEqual([101, 101, 101]);
    const fourth = await rawSocket('carol').opened;
    expect(fourth.status).toBe(429);
    expect(JSON.parse(fourth.body).errors[0]).toEqual({
      message: 'This caller holds 3 WebSockets already (MAX_WS_CONNECTIONS_PER_CALLER=3): close one, or run several subscriptions on one socket',
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_WS_CONNECTIONS_PER_CALLER', max: 3 },
    });
    // Another caller is not held to carol's count.
    const dave = rawSocket('dave');
    expect((await dave.opened).status).toBe(101);
    held[0].s.close();
    await held[0].closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = rawSocket('carol');
    expect((await again.opened).status).toBe(101);
    for (const h of [...held, dave, again]) h.s.close();
  });

  it('runs at most MAX_WS_SUBSCRIPTIONS_PER_SOCKET subscriptions on one socket: the next subscribe gets LIMIT_EXCEEDED', async () => {
    const r = rawSocket('erin');
    await r.opened;
    r.s.send(JSON.stringify({ type: 'connection_init', payload: { owner: 'alice' } }));
    await r.until(() => r.messages.some((m) => m.type === 'connection_ack'));
    const subscribe = (id: string) => r.s.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { jobProgress(id: "j1") { state } }' } }));
    subscribe('1');
    subscribe('2');
    subscribe('3');
    await r.until(() => r.messages.some((m) => m.id === '3' && m.type === 'error'));
    await r.until(() => ['1', '2'].every((id) => r.messages.some((m) => m.id === id && m.type === 'next')));
    const refused = r.messages.find((m) => m.id === '3')!;
    expect(refused.payload).toEqual([
      {
        message: 'This WebSocket runs 2 subscriptions already (MAX_WS_SUBSCRIPTIONS_PER_SOCKET=2): complete one first',
        extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_WS_SUBSCRIPTIONS_PER_SOCKET', max: 2 },
      },
    ]);
    // A completed subscription makes room; the refused id may be used again.
    r.s.send(JSON.stringify({ id: '1', type: 'complete' }));
    await new Promise((r2) => setTimeout(r2, 50));
    subscribe('3');
    await r.until(() => r.messages.some((m) => m.id === '3' && m.type === 'next'));
    // Going on subscribing past as many refusals as the limit is a flood: the socket is closed.
    for (const id of ['4', '5', '6']) subscribe(id);
    expect(await r.closed).toEqual({ code: 1008, reason: 'Too many subscribe messages beyond MAX_WS_SUBSCRIPTIONS_PER_SOCKET=2' });
    // Nothing of the flood ran: no answer but refusals for ids 4 to 6.
    expect(r.messages.filter((m) => ['4', '5', '6'].includes(m.id ?? '') && m.type !== 'error')).toEqual([]);
  });

  it('closes a socket that sends no connection_init within WS_CONNECTION_INIT_TIMEOUT_MS with 4408', async () => {
    const r = rawSocket('frank');
    expect((await r.opened).status).toBe(101);
    const started = Date.now();
    expect(await r.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
