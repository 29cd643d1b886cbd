import http from 'node:http';
import { UpstreamPool } from '../../../src/datasources/http';
import { UpstreamCalls } from '../../../src/datasources/upstream-calls';
import { listen, type Listening } from '../../../src/listen';

/** A tiny upstream that counts what it receives and answers each GET with a fresh counter value. */
function upstream() {
  const seen: string[] = [];
  let version = 0;
  const handler: http.RequestListener = (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.method !== 'GET') version++;
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, version, auth: req.headers.authorization ?? null }));
    }, 5);
  };
  return { seen, handler };
}

describe('UpstreamCalls (per-operation accounting)', () => {
  let server: Listening;
  let pool: UpstreamPool;
  const up = upstream();

  beforeAll(async () => {
    server = await listen(up.handler);
    pool = new UpstreamPool('ENCODE', server.url, { timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await pool.close();
    await server.close();
  });
  beforeEach(() => (up.seen.length = 0));

  it('sends identical GETs once, concurrent or not, and gives each caller its own copy', async () => {
    const calls = new UpstreamCalls(50);
    const http = calls.http(pool);
    const get = () => http.request({ method: 'GET', path: '/a/', query: [['frame', 'object']], headers: { authorization: 'Basic x' } });
    const [one, two] = await Promise.all([get(), get()]);
    const three = await get();
    expect(up.seen).toEqual(['GET /a/?frame=object']);
    expect(calls.counts()).toEqual({ ENCODE: 1, GDC: 0 });
    (one.json as Record<string, unknown>).url = 'changed by one caller';
    expect(two.json).toEqual({ url: '/a/?frame=object', version: 0, auth: 'Basic x' });
    expect(three.json).toEqual(two.json);
  });

  it('does not share a GET between different credentials or queries', async () => {
    const calls = new UpstreamCalls(50);
    const http = calls.http(pool);
    await http.request({ method: 'GET', path: '/a/', headers: { authorization: 'Basic x' } });
    await http.request({ method: 'GET', path: '/a/', headers: { authorization: 'Basic y' } });
    await http.request({ method: 'GET', path: '/a/', query: [['limit', '1']], headers: { authorization: 'Basic x' } });
    expect(up.seen).toHaveLength(3);
    expect(calls.counts().ENCODE).toBe(3);
  });

  it('asks again after a write, and when a read says fresh', async () => {
    const calls = new UpstreamCalls(50);
    const http = calls.http(pool);
    const before = await http.request({ method: 'GET', path: '/b/' });
    await http.request({ method: 'POST', path: '/b', body: '{}' });
    const after = await http.request({ method: 'GET', path: '/b/' });
    expect((after.json as { version: number }).version).toBe((before.json as { version: number }).version + 1);
    await http.request({ method: 'GET', path: '/b/', fresh: true });
    expect(up.seen).toEqual(['GET /b/', 'POST /b', 'GET /b/', 'GET /b/']);
    expect(calls.counts().ENCODE).toBe(4);
  });

  it('refuses reads beyond MAX_UPSTREAM_CALLS before sending them, naming the limit', async () => {
    const calls = new UpstreamCalls(3);
    const http = calls.http(pool);
    for (let i = 0; i < 3; i++) await http.request({ method: 'GET', path: `/r${i}/` });
    await expect(http.request({ method: 'GET', path: '/r3/' })).rejects.toMatchObject({
      message: expect.stringContaining('MAX_UPSTREAM_CALLS=3'),
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_UPSTREAM_CALLS', max: 3 },
    });
    expect(up.seen).toHaveLength(3);
    expect(calls.counts().ENCODE).toBe(3);
  });

  it('never refuses a write, and lets each write be checked with one read; grant adds more', async () => {
    const calls = new UpstreamCalls(1);
    const http = calls.http(pool);
    await http.request({ method: 'GET', path: '/w/' });
    await http.request({ method: 'POST', path: '/w', body: '{}' });
    await http.request({ method: 'POST', path: '/w', body: '{}' });
    await http.request({ method: 'GET', path: '/w/1/' });
    await http.request({ method: 'GET', path: '/w/2/' });
    await expect(http.request({ method: 'GET', path: '/w/3/' })).rejects.toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED' } });
    calls.grant(1);
    await http.request({ method: 'GET', path: '/w/3/' });
    expect(calls.counts().ENCODE).toBe(6);
    expect(up.seen).toHaveLength(6);
  });
});
