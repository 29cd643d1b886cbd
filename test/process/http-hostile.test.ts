import { request } from 'undici';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';
import { postHead, rawExchange } from '../support/raw-http';

/**
 * The HTTP layer against hostile clients (issue 18), on a real gateway process and raw sockets:
 * what is closed, what is never read, what is answered before a body is sent.
 */
type Gateway = RunningProcess & { graphqlUrl: string; url: string };

const KEY = 'hostile-test-key-0123456789';
const QUERY = JSON.stringify({ query: '{ gatewayInfo { version } }' });

describe('with GATEWAY_API_KEYS', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGatewayProcess({ GATEWAY_API_KEYS: KEY, BODY_RATE_WINDOW_MS: '2000', BODY_MIN_BYTES_PER_SECOND: '1024' });
  });
  afterAll(() => kill(gw));

  it('closes the connection right after a 401, without reading the declared body', async () => {
    const r = await rawExchange(gw.graphqlUrl, postHead(gw.url, { 'content-type': 'application/json', 'content-length': 100_000 }), ['{"query":'], { waitMs: 5_000 });
    expect(r.status).toBe(401);
    expect(r.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(1_000);
  });

  it('answers Expect: 100-continue with the 401 itself when unauthenticated, and with 100 Continue when authenticated', async () => {
    const refused = await rawExchange(gw.graphqlUrl, postHead(gw.url, { 'content-type': 'application/json', 'content-length': QUERY.length, expect: '100-continue' }));
    expect(refused.text).not.toMatch(/100 Continue/);
    expect(refused.status).toBe(401);
    expect(refused.closed).toBe(true);
    const tooLarge = await rawExchange(
      gw.graphqlUrl,
      postHead(gw.url, { 'content-type': 'application/json', 'content-length': 200 * 1024 * 1024, expect: '100-continue', authorization: `Bearer ${KEY}` }),
    );
    expect(tooLarge.text).not.toMatch(/100 Continue/);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_REQUEST_BYTES' });
    // Answered from the head: the 200 MB are never sent.
    expect(tooLarge.closed).toBe(true);
    const accepted = await rawExchange(
      gw.graphqlUrl,
      postHead(gw.url, { 'content-type': 'application/json', 'content-length': QUERY.length, expect: '100-continue', authorization: `Bearer ${KEY}` }),
      [],
      { waitMs: 500 },
    );
    expect(accepted.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
  });

  it('cuts a body trickling under BODY_MIN_BYTES_PER_SECOND (JSON and multipart alike), not one that keeps the rate', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    // 100 bytes every 500 ms: 200 B/s, under 1 KiB/s over the 2 s window.
    const slowJson = await rawExchange(gw.graphqlUrl, postHead(gw.url, { 'content-type': 'application/json', 'content-length': 20_000, ...auth }), Array(40).fill('x'.repeat(100)), {
      intervalMs: 500,
      waitMs: 10_000,
    });
    expect(slowJson.closed).toBe(true);
    expect(slowJson.status).toBe(0);
    expect(slowJson.ms).toBeGreaterThanOrEqual(2_000);
    expect(slowJson.ms).toBeLessThan(5_000);
    const boundary = 'trickle';
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n`;
    const slowUpload = await rawExchange(
      gw.graphqlUrl,
      postHead(gw.url, { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 100_000, 'apollo-require-preflight': 'true', ...auth }),
      [part, ...Array(40).fill('x'.repeat(100))],
      { intervalMs: 500, waitMs: 10_000 },
    );
    expect(slowUpload.closed).toBe(true);
    expect(slowUpload.ms).toBeLessThan(5_000);
    // 2 KB every 250 ms (8 KB/s) for 3 s: over two windows, never cut, answered.
    const body = JSON.stringify({ query: '{ gatewayInfo { version } }', pad: 'x'.repeat(24_000) });
    const chunks = body.match(/[\s\S]{1,2000}/g)!;
    const steady = await rawExchange(gw.graphqlUrl, postHead(gw.url, { 'content-type': 'application/json', 'content-length': body.length, ...auth }), chunks, {
      intervalMs: 250,
      waitMs: 8_000,
    });
    expect(steady.status).toBe(200);
    expect(steady.json.data.gatewayInfo.version).toEqual(expect.any(String));
  });

  it('takes a GET with only `extensions` to the API (401 here), not to the GraphiQL page', async () => {
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }));
    const res = await request(`${gw.graphqlUrl}?extensions=${extensions}`, { headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    await res.body.text();
    const page = await request(gw.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    await page.body.text();
  });
});

describe('on loopback without keys (the default mode)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGatewayProcess({ ALLOWED_HOSTS: 'gateway.internal', CORS_ORIGINS: 'https://app.example.org' });
  });
  afterAll(() => kill(gw));

  const post = (headers: Record<string, string>) =>
    rawExchange(gw.graphqlUrl, postHead(gw.url, { 'content-type': 'application/json', 'content-length': QUERY.length, connection: 'close', ...headers }), [QUERY]);

  it('serves loopback Host names and ALLOWED_HOSTS, and refuses any other Host (DNS rebinding) with 403', async () => {
    const port = new URL(gw.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'gateway.internal']) {
      const r = await post({ host });
      expect([host, r.status]).toEqual([host, 200]);
    }
    const evil = await post({ host: `attacker.example:${port}` });
    expect(evil.status).toBe(403);
    expect(evil.json.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', limit: 'ALLOWED_HOSTS' });
    // The GraphiQL page too: a rebinding page must not even read it through the gateway's name.
    const page = await rawExchange(gw.graphqlUrl, `GET /graphql HTTP/1.1\r\nHost: attacker.example\r\nAccept: text/html\r\nConnection: close\r\n\r\n`);
    expect(page.status).toBe(403);
  });

  it('refuses cross-site Origins not in CORS_ORIGINS, except GET of the GraphiQL page', async () => {
    const evil = await post({ origin: 'http://attacker.example' });
    expect(evil.status).toBe(403);
    expect(evil.json.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', limit: 'CORS_ORIGINS' });
    expect((await post({ origin: 'https://app.example.org' })).status).toBe(200);
    expect((await post({ origin: gw.url })).status).toBe(200);
    const page = await request(gw.graphqlUrl, { headers: { accept: 'text/html', origin: 'http://attacker.example' } });
    expect(page.statusCode).toBe(200);
    await page.body.text();
    const query = await request(`${gw.graphqlUrl}?query=${encodeURIComponent('{ gatewayInfo { version } }')}`, { headers: { origin: 'http://attacker.example' } });
    expect(query.statusCode).toBe(403);
    await query.body.text();
  });
});
