import { FormData, request } from 'undici';
import { loadConfig } from '../../../src/config';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../../src/gateway';
import { gatewayOptionsOn } from '../../support/stack';
import { CORS_MAX_AGE_SECONDS } from '../../../src/http/cors';
import { type RunningSandbox, startSandbox } from '../../../src/sandbox';

/** The CORS matrix: allowed and unlisted origins, each header, credentials on and off, preflight cache. */
const APP = 'http://localhost:5173';
const OTHER = 'http://attacker.example';
const KEY = 'cors-test-key-0123456789';
const REQUEST_HEADERS = ['content-type', 'authorization', 'x-dcc-api-key', 'x-dcc-secret-key', 'x-auth-token', 'apollo-require-preflight', 'x-apollo-operation-name', 'traceparent'];

let sandbox: RunningSandbox;
const gateways: RunningGateway[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({});
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await sandbox.stop();
});

async function gateway(options: Partial<GatewayOptions>): Promise<string> {
  const g = await startGateway({
    ...gatewayOptionsOn(sandbox),
    ...options,
  });
  gateways.push(g);
  return g.graphqlUrl;
}

async function preflight(url: string, origin: string, method = 'POST', headers = 'content-type') {
  const res = await request(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
  await res.body.text();
  return res;
}

async function post(url: string, origin: string, query: string, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', headers: { origin, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

const corsHeaders = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('access-control-')));
const vary = (headers: Record<string, unknown>) => String(headers.vary ?? '').split(',').map((v) => v.trim().toLowerCase());

describe('CORS_ORIGINS lists the app, without credentials', () => {
  let url: string;
  beforeAll(async () => {
    url = await gateway({ cors: { origins: [APP], credentials: false } });
  });

  it('answers an allowed preflight 204 with the methods, every request header the API reads, a max age and Vary: Origin', async () => {
    const res = await preflight(url, APP, 'POST', 'content-type, authorization, x-auth-token');
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/).sort()).toEqual(['GET', 'POST']);
    expect(String(res.headers['access-control-allow-headers']).split(/,\s*/).sort()).toEqual([...REQUEST_HEADERS].sort());
    expect(res.headers['access-control-max-age']).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(vary(res.headers)).toContain('origin');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives an unlisted origin no CORS header at all, on the preflight and on the request', async () => {
    const res = await preflight(url, OTHER);
    expect(corsHeaders(res.headers)).toEqual({});
    const answer = await post(url, OTHER, '{ gatewayInfo { version } }');
    expect(corsHeaders(answer.headers)).toEqual({});
    expect(vary(answer.headers)).toContain('origin');
  });

  it('lets the app read a query answer (front door) and a mutation answer (express), both alike, with x-request-id exposed', async () => {
    const query = await post(url, APP, '{ gatewayInfo { version } }');
    expect(query.body.data.gatewayInfo.version).toBeTruthy();
    const mutation = await post(url, APP, 'mutation { closeTransaction(input: { project: "GDC-INTERNAL", transactionId: 999999 }) { success } }');
    expect(mutation.status).toBe(200);
    for (const answer of [query, mutation]) {
      expect(corsHeaders(answer.headers)).toEqual({ 'access-control-allow-origin': APP, 'access-control-expose-headers': 'x-request-id' });
      expect(vary(answer.headers)).toContain('origin');
      expect(answer.headers['x-request-id']).toBeTruthy();
    }
  });

  it('keeps the CORS headers when compression adds its own Vary', async () => {
    const res = await request(url, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query: '{ gdcDictionary }' }),
    });
    await res.body.arrayBuffer();
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(vary(res.headers)).toEqual(expect.arrayContaining(['origin', 'accept-encoding']));
    expect(res.headers['access-control-allow-origin']).toBe(APP);
  });

  it('keeps CSRF prevention for requests a browser sends without a preflight, even from the app', async () => {
    const get = await request(`${url}?query=${encodeURIComponent('{ gatewayInfo { version } }')}`, { headers: { origin: APP, accept: 'application/json' } });
    const body = (await get.body.json()) as any;
    expect(get.statusCode).toBe(400);
    expect(body.errors[0].message).toMatch(/CSRF/);
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: '{ gatewayInfo { version } }' }));
    form.append('map', '{}');
    const multipart = await request(url, { method: 'POST', headers: { origin: APP }, body: form });
    expect(multipart.statusCode).toBe(400);
    await multipart.body.text();
    // With the header that forces a preflight, the same GET is answered, readable by the app.
    const preflighted = await request(`${url}?query=${encodeURIComponent('{ gatewayInfo { version } }')}`, { headers: { origin: APP, accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(((await preflighted.body.json()) as any).data.gatewayInfo.version).toBeTruthy();
    expect(preflighted.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('CORS_CREDENTIALS=true with GATEWAY_API_KEYS', () => {
  let url: string;
  beforeAll(async () => {
    url = await gateway({ cors: { origins: [APP, 'http://127.0.0.1:5173'], credentials: true }, apiKeys: [KEY] });
  });

  it('answers the preflight before caller auth (a preflight carries no credentials) and allows credentials', async () => {
    const res = await preflight(url, APP, 'POST', 'content-type, authorization');
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('lets the app read a refusal (401) and an answer, each for its own origin', async () => {
    const refused = await post(url, APP, '{ gatewayInfo { version } }');
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(refused.headers['access-control-allow-origin']).toBe(APP);
    expect(refused.headers['access-control-allow-credentials']).toBe('true');
    const allowed = await post(url, 'http://127.0.0.1:5173', '{ gatewayInfo { version } }', { authorization: `Bearer ${KEY}` });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
  });
});

describe('without CORS_ORIGINS (the default)', () => {
  it('gives no origin any CORS header', async () => {
    const url = await gateway({});
    const res = await preflight(url, APP);
    expect(corsHeaders(res.headers)).toEqual({});
    const answer = await post(url, APP, '{ gatewayInfo { version } }');
    expect(corsHeaders(answer.headers)).toEqual({});
  });
});

describe("CORS_ORIGINS='*'", () => {
  it('allows any origin with `*` and no Vary', async () => {
    const url = await gateway({ cors: { origins: ['*'], credentials: false } });
    const res = await preflight(url, OTHER);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const answer = await post(url, OTHER, '{ gatewayInfo { version } }');
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(vary(answer.headers)).not.toContain('origin');
  });
});

describe('the configuration', () => {
  it('reads CORS_ORIGINS and CORS_CREDENTIALS', () => {
    expect(loadConfig({}).cors).toEqual({ origins: [], credentials: false });
    expect(loadConfig({ CORS_ORIGINS: ' http://localhost:5173, https://app.example.org ', CORS_CREDENTIALS: 'true' }).cors).toEqual({
      origins: ['http://localhost:5173', 'https://app.example.org'],
      credentials: true,
    });
  });
});
