import pino from 'pino';
import { request } from 'undici';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../../src/gateway';
import { ENCODE_SANDBOX_KEYS, GDC_SANDBOX_TOKENS, type RunningSandbox, startSandbox } from '../../../src/sandbox';

/**
 * Who may act with the operator's credentials, over HTTP: GATEWAY_API_KEYS, loopback, and no
 * fallback across upstreams for a caller that brings its own credential.
 */
const KEY = 'test-key-0123456789abcdef';
const submitter = ENCODE_SANDBOX_KEYS.submitter;
let sandbox: RunningSandbox;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({});
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await sandbox.stop();
});

/** A gateway whose only default credentials are the operator's (the sandbox's lent to nobody). */
async function gateway(options: Partial<GatewayOptions> = {}): Promise<string> {
  const g = await startGateway({
    encodeUrl: sandbox.encode!.url,
    gdcUrl: sandbox.gdc!.url,
    sandbox: { encode: false, gdc: false },
    defaults: { encode: null, gdcToken: null },
    operator: { encode: { key: submitter.id, secret: submitter.secret }, gdcToken: GDC_SANDBOX_TOKENS.submitter },
    logger: pino({ level: 'silent' }),
    ...options,
  });
  gateways.push(g);
  return `http://127.0.0.1:${new URL(g.url).port}`;
}

async function gql(base: string, query: string, headers: Record<string, string> = {}) {
  const res = await request(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

let alias = 0;
/** An ENCODE write: it needs a credential, so it shows which one the request got. */
const encodeWrite = () =>
  `mutation { createEntities(input: { source: ENCODE, profile: "biosample", entities: [{ award: "UM1HG000000", lab: "sandbox-lab",
    organism: "human", source: "atcc", biosample_ontology: "cell_line_EFO_0001203", aliases: ["sandbox-lab:auth-${++alias}"] }] }) { success createdCount } }`;
/** A GDC dry run: it needs a token. */
const gdcWrite = `mutation { createEntities(input: { source: GDC, project: "GDC-INTERNAL", dryRun: true, entities: [{ type: "case", submitter_id: "AUTH-1",
  disease_type: "Blood Vessel Tumors", primary_site: "Base of tongue", projects: { code: "INTERNAL" } }] }) { success } }`;

describe('GATEWAY_API_KEYS', () => {
  let base: string;
  beforeAll(async () => {
    base = await gateway({ apiKeys: [KEY], host: '0.0.0.0' });
  });

  it('answers 401 GraphQL-style JSON without a key or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-key-0123456789abcdef' }, { authorization: `Basic ${KEY}` }];
    for (const headers of attempts) {
      const res = await gql(base, '{ gatewayInfo { version } }', headers);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(res.body.data).toBeUndefined();
    }
  });

  it("serves a caller with a key, lending the operator's credentials to it", async () => {
    const res = await gql(base, encodeWrite(), { authorization: `Bearer ${KEY}` });
    expect(res.status).toBe(200);
    expect(res.body.data.createEntities).toEqual({ success: true, createdCount: 1 });
  });

  it('keeps /healthz, /readyz and the GraphiQL page open; /metrics needs the key', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await request(`${base}${path}`);
      await res.body.text();
      expect(res.statusCode).toBe(200);
    }
    const page = await request(`${base}/graphql`, { headers: { accept: 'text/html' } });
    await page.body.text();
    expect(page.statusCode).toBe(200);
    const closed = await request(`${base}/metrics`);
    await closed.body.text();
    expect(closed.statusCode).toBe(401);
    const open = await request(`${base}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await open.body.text()).toMatch(/gateway_limit_refusals_total\{limit="GATEWAY_API_KEYS"\} [1-9]/);
  });

  it("never gives a caller with its own GDC token the operator's ENCODE key", async () => {
    const headers = { authorization: `Bearer ${KEY}`, 'x-auth-token': GDC_SANDBOX_TOKENS.submitter };
    const encode = await gql(base, encodeWrite(), headers);
    expect(encode.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'ENCODE' });
    const gdc = await gql(base, gdcWrite, headers);
    expect(gdc.body.data.createEntities.success).toBe(true);
  });

  it('lends across upstreams only with ALLOW_CREDENTIAL_FALLBACK', async () => {
    const lenient = await gateway({ apiKeys: [KEY], allowCredentialFallback: true });
    const res = await gql(lenient, encodeWrite(), { authorization: `Bearer ${KEY}`, 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
    expect(res.body.data.createEntities).toEqual({ success: true, createdCount: 1 });
  });
});

describe('without GATEWAY_API_KEYS', () => {
  it("lends the operator's credentials on loopback", async () => {
    const base = await gateway({ host: '127.0.0.1' });
    const res = await gql(base, encodeWrite());
    expect(res.body.data.createEntities).toEqual({ success: true, createdCount: 1 });
  });

  it("lends them to nobody when listening beyond loopback: callers bring their own", async () => {
    const base = await gateway({ host: '0.0.0.0' });
    const anonymous = await gql(base, encodeWrite());
    expect(anonymous.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'ENCODE' });
    const gdcAnonymous = await gql(base, gdcWrite);
    expect(gdcAnonymous.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'GDC' });
    const own = await gql(base, encodeWrite(), { 'x-dcc-api-key': submitter.id, 'x-dcc-secret-key': submitter.secret });
    expect(own.body.data.createEntities).toEqual({ success: true, createdCount: 1 });
  });

  it('refuses half an ENCODE key pair with 401 JSON', async () => {
    const base = await gateway();
    const res = await gql(base, '{ gatewayInfo { version } }', { 'x-dcc-api-key': 'only-the-key' });
    expect(res.status).toBe(401);
    expect(res.body.errors[0]).toMatchObject({ message: expect.stringMatching(/both X-Dcc-Api-Key and X-Dcc-Secret-Key/), extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('URL user-info', () => {
  it('never shows it in gatewayInfo', async () => {
    const withInfo = sandbox.encode!.url.replace('http://', 'http://user:s3cret-pass@');
    const base = await gateway({ encodeUrl: withInfo });
    const res = await gql(base, '{ gatewayInfo { version upstreams { source url } } }');
    expect(JSON.stringify(res.body)).not.toMatch(/s3cret-pass|user@/);
    expect(res.body.data.gatewayInfo.upstreams[0].url).toBe(sandbox.encode!.url);
    expect(res.body.data.gatewayInfo.version).toBe(require('../../../package.json').version);
  });
});
