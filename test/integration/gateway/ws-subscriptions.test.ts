import WebSocket from 'ws';
import type { Client, createClient as CreateClient } from 'graphql-ws/dist/client';
import { type JobModel, type JobState, LocalJobUpdates } from '../../../src/jobs/updates';
import { ownerOf } from '../../../src/jobs/owner';
import { gatewayKeyIdentity } from '../../../src/caller-key';
import { startStack, type Stack } from '../../support/stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('graphql-ws') as { createClient: typeof CreateClient };

// Callers who bring their own GDC token (and no ENCODE keys) own jobs by that credential (src/jobs/owner.ts).
const ALICE = ownerOf({ encode: null, gdcToken: 'alice-token' });

const job = (done: number, state: JobState = 'RUNNING'): JobModel => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  progress: { total: 10, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: state === 'SUCCEEDED' ? '2026-01-01T00:00:09Z' : null,
  owner: ALICE,
});

describe('Subscription.jobProgress over WebSocket on the running gateway (issue 16)', () => {
  const bus = new LocalJobUpdates();
  let stack: Stack;
  let wsUrl: string;
  const clients: Client[] = [];
  const client = (token: string) => {
    const c = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { 'X-Auth-Token': token }, retryAttempts: 0, lazy: true });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    stack = await startStack(undefined, {
      jobUpdates: { reader: { get: async (id, owner) => (id === 'j1' && owner === ALICE ? job(0) : null) }, updates: bus, timing: { minIntervalMs: 20, keepaliveMs: 5_000 } },
      // Short, so a quiet subscription outlives it: an upgrade is no 'request', so only ws's own setSocket clears src/listen.ts's idle timer.
      headersTimeoutMs: 1_000,
      bodies: { maxWsMessageBytes: 4096 },
    });
    // The same port and path as HTTP.
    wsUrl = stack.gateway.graphqlUrl.replace(/^http/, 'ws');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await stack?.stop();
  });

  it('streams the owner progress to SUCCEEDED, then completes', async () => {
    const got: Array<{ state: string; done: number }> = [];
    const finished = new Promise<void>((resolve, reject) =>
      client('alice-token').subscribe<{ jobProgress: { state: string; progress: { done: number } } }>(
        { query: 'subscription { jobProgress(id: "j1") { state progress { done } } }' },
        { next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : got.push({ state: r.data!.jobProgress.state, done: r.data!.jobProgress.progress.done })), error: reject, complete: resolve },
      ),
    );
    while (bus['emitter'].listenerCount('j1') === 0) await new Promise((r) => setTimeout(r, 5));
    for (let i = 1; i <= 10; i++) {
      await new Promise((r) => setTimeout(r, 30));
      bus.publish(job(i, i === 10 ? 'SUCCEEDED' : 'RUNNING'));
    }
    await finished;
    expect(got[0]).toEqual({ state: 'RUNNING', done: 0 });
    expect(got[got.length - 1]).toEqual({ state: 'SUCCEEDED', done: 10 });
    for (let i = 1; i < got.length; i++) expect(got[i].done).toBeGreaterThan(got[i - 1].done);
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });

  it('keeps a quiet subscription open past the headers timeout', async () => {
    const got: string[] = [];
    const finished = new Promise<void>((resolve, reject) =>
      client('alice-token').subscribe<{ jobProgress: { state: string } }>(
        { query: 'subscription { jobProgress(id: "j1") { state } }' },
        { next: (r) => got.push(r.data?.jobProgress.state ?? JSON.stringify(r.errors)), error: reject, complete: resolve },
      ),
    );
    while (bus['emitter'].listenerCount('j1') === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 2_000));
    bus.publish(job(10, 'SUCCEEDED'));
    await finished;
    expect(got).toEqual(['RUNNING', 'SUCCEEDED']);
  });

  it('gives another caller NOT_FOUND for the same job', async () => {
    const errors = await new Promise<unknown>((resolve) =>
      client('mallory-token').subscribe({ query: 'subscription { jobProgress(id: "j1") { state } }' }, { next: (r) => resolve(r.errors), error: resolve, complete: () => resolve('completed without errors') }),
    );
    expect(JSON.stringify(errors)).toContain('NOT_FOUND');
    expect((errors as { extensions: Record<string, unknown> }[])[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('words a document error as HTTP does (GRAPHQL_VALIDATION_FAILED, LIMIT_EXCEEDED naming the limit)', async () => {
    const refused = (query: string) =>
      new Promise<{ extensions?: Record<string, unknown> }[]>((resolve) =>
        client('alice-token').subscribe({ query }, { next: (r) => resolve(r.errors as never), error: (e) => resolve(e as never), complete: () => resolve([]) }),
      );
    expect((await refused('subscription { jobProgress(id: "j1") { nope } }'))[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const deep = `subscription { jobProgress(id: "j1") { ${'result { entities { '.repeat(8)}id${' } }'.repeat(8)} } }`;
    expect((await refused(deep))[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_DEPTH' });
  });

  it('refuses an upgrade from an Origin CORS_ORIGINS does not name, before any WebSocket exists', async () => {
    const refused = await new Promise<{ status: number; body: string }>((resolve) => {
      const s = new WebSocket(wsUrl, 'graphql-transport-ws', { origin: 'https://evil.example' });
      s.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      s.on('open', () => resolve({ status: 101, body: '' }));
      s.on('error', () => {});
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('CORS_ORIGINS');
  });

  it('refuses an upgrade whose Host is not loopback (DNS rebinding: this gateway lends credentials)', async () => {
    const status = await new Promise<number>((resolve) => {
      const s = new WebSocket(wsUrl, 'graphql-transport-ws', { headers: { host: 'attacker.example' } });
      s.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      s.on('open', () => resolve(101));
      s.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('closes the socket (1009) on a client message over MAX_WS_MESSAGE_BYTES', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = new WebSocket(wsUrl, 'graphql-transport-ws');
      s.on('open', () => s.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(5000) } })));
      s.on('close', (code) => resolve(code));
      s.on('error', () => {});
    });
    expect(closed).toBe(1009);
  });

  it('still refuses a subscription over plain HTTP, naming the WebSocket transport', async () => {
    const res = await stack.gql('subscription { jobProgress(id: "j1") { state } }');
    expect(JSON.stringify(res.errors)).toMatch(/WebSocket/);
  });
});

describe('WebSocket upgrades with GATEWAY_API_KEYS', () => {
  const bus = new LocalJobUpdates();
  const KEY = 'ws-test-key-1';
  const keyOwner = ownerOf({ encode: null, gdcToken: null }, gatewayKeyIdentity(KEY));
  let stack: Stack;
  let wsUrl: string;
  const withKey = (key: string) =>
    class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization: `Bearer ${key}` } });
      }
    };

  beforeAll(async () => {
    stack = await startStack(undefined, {
      apiKeys: [KEY],
      jobUpdates: { reader: { get: async (id, owner) => (id === 'j1' && owner === keyOwner ? { ...job(0), owner: keyOwner } : null) }, updates: bus, timing: { minIntervalMs: 20, keepaliveMs: 5_000 } },
    });
    wsUrl = stack.gateway.graphqlUrl.replace(/^http/, 'ws');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const upgradeStatus = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const s = new WebSocket(wsUrl, 'graphql-transport-ws', { headers });
      s.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      s.on('open', () => {
        resolve(101);
        s.close();
      });
      s.on('error', () => {});
    });

  it('refuses an upgrade without the key or with a wrong one (401), before any WebSocket exists', async () => {
    expect(await upgradeStatus({})).toBe(401);
    expect(await upgradeStatus({ authorization: 'Bearer not-the-key' })).toBe(401);
    expect(await upgradeStatus({ authorization: `Bearer ${KEY}` })).toBe(101);
  });

  it("gives the key's jobs to the key, and closes open subscriptions (1001) when the gateway stops", async () => {
    const c = createClient({ url: wsUrl, webSocketImpl: withKey(KEY), retryAttempts: 0, lazy: true });
    const states: string[] = [];
    const ended = new Promise<unknown>((resolve) =>
      c.subscribe<{ jobProgress: { state: string } }>(
        { query: 'subscription { jobProgress(id: "j1") { state } }' },
        { next: (r) => states.push(r.data?.jobProgress.state ?? JSON.stringify(r.errors)), error: resolve, complete: () => resolve('completed') },
      ),
    );
    // The first event (the job now) arrives after the bus listener is set.
    for (let i = 0; i < 400 && states.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(states).toEqual(['RUNNING']);
    expect(bus['emitter'].listenerCount('j1')).toBe(1);
    await stack.gateway.stop();
    const end = (await ended) as { code?: number };
    expect(end.code).toBe(1001);
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });
});
