import { createClient } from 'graphql-sse';
import { type JobModel, type JobState, LocalJobUpdates } from '../../../src/jobs/updates';
import { ownerOf } from '../../../src/jobs/owner';
import { gatewayKeyIdentity } from '../../../src/caller-key';
import { startStack, type Stack } from '../../support/stack';

// Callers who bring their own GDC token (and no ENCODE keys) own jobs by that credential (src/jobs/owner.ts).
const ALICE = ownerOf({ encode: null, gdcToken: 'alice-token' });

const job = (done: number, state: JobState = 'RUNNING', owner = ALICE): JobModel => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  progress: { total: 10, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: state === 'SUCCEEDED' ? '2026-01-01T00:00:09Z' : null,
  owner,
});

const PROGRESS = 'subscription Watch($id: ID!) { jobProgress(id: $id) { state progress { done } } }';

interface SseEvent {
  event: string;
  data: any;
}

/** One request, its status and head, and every event until the server ends the stream. */
async function stream(url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<{ status: number; type: string | null; events: SseEvent[]; text: string }> {
  const res = await fetch(url, { method: 'POST', ...init, headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...init.headers } });
  const text = await res.text();
  const events = text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => !l.startsWith(':')))
    .filter((lines) => lines.length && lines[0] !== '')
    .map((lines) => {
      const field = (name: string) => lines.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
      const data = field('data');
      return { event: field('event'), data: data ? JSON.parse(data) : null };
    });
  return { status: res.status, type: res.headers.get('content-type'), events, text };
}

const listeners = (bus: LocalJobUpdates) => bus['emitter'].listenerCount('j1');
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('Subscription.jobProgress over SSE (graphql-sse) on the running gateway (issue 16)', () => {
  const bus = new LocalJobUpdates();
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack(undefined, {
      jobUpdates: { reader: { get: async (id, owner) => (id === 'j1' && owner === ALICE ? job(0) : null) }, updates: bus, timing: { minIntervalMs: 20, keepaliveMs: 5_000 } },
      cors: { origins: ['https://app.example'], credentials: false },
    });
    // The same port and path as HTTP queries and WebSocket subscriptions.
    url = stack.gateway.graphqlUrl;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("streams the owner's progress, monotonic, ending in SUCCEEDED, through graphql-sse's own client", async () => {
    const client = createClient({ url, headers: { 'X-Auth-Token': 'alice-token' }, retryAttempts: 0 });
    const got: Array<{ state: string; done: number }> = [];
    const finished = new Promise<void>((resolve, reject) =>
      client.subscribe<{ jobProgress: { state: string; progress: { done: number } } }>(
        { query: PROGRESS, variables: { id: 'j1' } },
        { next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : got.push({ state: r.data!.jobProgress.state, done: r.data!.jobProgress.progress.done })), error: reject, complete: resolve },
      ),
    );
    await until(() => listeners(bus) > 0);
    for (let i = 1; i <= 10; i++) {
      await new Promise((r) => setTimeout(r, 30));
      bus.publish(job(i, i === 10 ? 'SUCCEEDED' : 'RUNNING'));
    }
    await finished;
    client.dispose();
    expect(got[0]).toEqual({ state: 'RUNNING', done: 0 });
    expect(got[got.length - 1]).toEqual({ state: 'SUCCEEDED', done: 10 });
    for (let i = 1; i < got.length; i++) expect(got[i].done).toBeGreaterThan(got[i - 1].done);
    expect(listeners(bus)).toBe(0);
  });

  it('serves the GET form GraphiQL sends (parameters in the URL), as an uncompressed event stream', async () => {
    const params = new URLSearchParams({ query: PROGRESS, variables: JSON.stringify({ id: 'j1' }) });
    const done = stream(`${url}?${params}`, { method: 'GET', headers: { 'X-Auth-Token': 'alice-token', 'accept-encoding': 'gzip, br' } });
    await until(() => listeners(bus) > 0);
    bus.publish(job(10, 'SUCCEEDED'));
    const res = await done;
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/event-stream/);
    expect(res.events.map((e) => e.event)).toEqual(['next', 'next', 'complete']);
    expect(res.events[1].data).toEqual({ data: { jobProgress: { state: 'SUCCEEDED', progress: { done: 10 } } } });
  });

  it('gives another caller, and an unknown job id, NOT_FOUND in an error event', async () => {
    for (const [token, id] of [
      ['mallory-token', 'j1'],
      ['alice-token', 'no-such-job'],
    ]) {
      const res = await stream(url, { headers: { 'X-Auth-Token': token }, body: JSON.stringify({ query: PROGRESS, variables: { id } }) });
      expect(res.status).toBe(200);
      expect(res.events.map((e) => e.event)).toEqual(['next', 'complete']);
      expect(res.events[0].data.errors[0]).toMatchObject({ message: `Job '${id}' does not exist.`, extensions: { code: 'NOT_FOUND' } });
      expect(res.events[0].data.errors[0].extensions.requestId).toEqual(expect.any(String));
    }
    expect(listeners(bus)).toBe(0);
  });

  it('holds a subscription to the HTTP document limits (LIMIT_EXCEEDED) and refuses queries as streams', async () => {
    const deep = `subscription { jobProgress(id: "j1") { ${'result { entities { '.repeat(8)}id${' } }'.repeat(8)} } }`;
    const limited = await stream(url, { headers: { 'X-Auth-Token': 'alice-token' }, body: JSON.stringify({ query: deep }) });
    expect(limited.events[0].data.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_DEPTH' });
    const query = await stream(url, { headers: { 'X-Auth-Token': 'alice-token' }, body: JSON.stringify({ query: '{ gatewayInfo { version } }' }) });
    expect(query.events[0].data.errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
    expect(query.events[0].data.errors[0].message).toMatch(/Only subscriptions are served as an event stream/);
    // MAX_TOKENS is the parser's: a document over it is refused before validation, as over HTTP.
    const long = `subscription { jobProgress(id: "j1") { ${'state '.repeat(20_001)} } }`;
    const tokens = await stream(url, { headers: { 'X-Auth-Token': 'alice-token' }, body: JSON.stringify({ query: long }) });
    expect(tokens.events[0].data.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_TOKENS' });
    const unknown = await stream(url, { headers: { 'X-Auth-Token': 'alice-token' }, body: JSON.stringify({ query: 'subscription { jobProgress(id: "j1") { nope } }' }) });
    expect(unknown.events[0].data.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const broken = await stream(url, { headers: { 'X-Auth-Token': 'alice-token' }, body: JSON.stringify({ query: 'subscription {' }) });
    expect(broken.events[0].data.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(listeners(bus)).toBe(0);
  });

  it('admits streams as HTTP requests: an Origin CORS_ORIGINS does not name and a foreign Host are refused, a named Origin is served', async () => {
    const body = JSON.stringify({ query: PROGRESS, variables: { id: 'no-such-job' } });
    const evil = await stream(url, { headers: { origin: 'https://evil.example' }, body });
    expect(evil.status).toBe(403);
    expect(evil.text).toContain('CORS_ORIGINS');
    const named = await stream(url, { headers: { origin: 'https://app.example' }, body });
    expect(named.status).toBe(200);
    expect(named.events[0].data.errors[0].extensions.code).toBe('NOT_FOUND');
    // fetch will not send another Host: a raw request does.
    const { request } = await import('undici');
    const foreign = await request(url, { method: 'POST', headers: { host: 'attacker.example', accept: 'text/event-stream', 'content-type': 'application/json' }, body });
    expect(foreign.statusCode).toBe(403);
    await foreign.body.text();
  });
});

describe('SSE subscriptions with GATEWAY_API_KEYS, and shutdown', () => {
  const bus = new LocalJobUpdates();
  const KEY = 'sse-test-key-1';
  const keyOwner = ownerOf({ encode: null, gdcToken: null }, gatewayKeyIdentity(KEY));
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(undefined, {
      apiKeys: [KEY],
      jobUpdates: { reader: { get: async (id, owner) => (id === 'j1' && owner === keyOwner ? job(0, 'RUNNING', keyOwner) : null) }, updates: bus, timing: { minIntervalMs: 20, keepaliveMs: 5_000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("refuses a stream without the key (401), gives the key's jobs to the key, and ends open streams when the gateway stops without waiting out the grace period", async () => {
    const body = JSON.stringify({ query: PROGRESS, variables: { id: 'j1' } });
    expect((await stream(stack.gateway.graphqlUrl, { body })).status).toBe(401);
    expect((await stream(stack.gateway.graphqlUrl, { body, headers: { authorization: 'Bearer not-the-key' } })).status).toBe(401);

    const open = stream(stack.gateway.graphqlUrl, { body, headers: { authorization: `Bearer ${KEY}` } });
    await until(() => listeners(bus) > 0);
    expect(listeners(bus)).toBe(1);
    const started = Date.now();
    await stack.gateway.stop(30_000);
    // A stream is no request to drain: the stop did not wait the 30 s grace for it.
    expect(Date.now() - started).toBeLessThan(10_000);
    const res = await open;
    expect(res.status).toBe(200);
    expect(res.events.map((e) => e.event)).toEqual(['next']);
    expect(res.events[0].data).toEqual({ data: { jobProgress: { state: 'RUNNING', progress: { done: 0 } } } });
    // Ended without `complete`: clients take it as a lost connection and reconnect elsewhere.
    expect(res.text).not.toContain('event: complete');
    expect(listeners(bus)).toBe(0);
  });
});
