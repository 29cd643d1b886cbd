import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { request } from 'undici';
import { type RunningGateway, startGateway } from '../../../src/gateway';
import { startStack, type Stack } from '../../support/stack';

/** /readyz, /metrics and the access log, over HTTP against the starter sandbox. */
const lines: Record<string, any>[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({}, { logger: pino({ level: 'info' }, sink) });
});
afterAll(() => stack.stop());

async function text(path: string) {
  const res = await request(`${stack.gateway.url}${path}`);
  return { status: res.statusCode, body: await res.body.text() };
}

describe('/readyz', () => {
  it('is 200 with every check ok once started', async () => {
    const res = await text('/readyz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ready', checks: { ENCODE: 'ok', GDC: 'ok' } });
  });

  it('is 503 while an upstream is unreachable, and says which', async () => {
    let gateway: RunningGateway | undefined;
    try {
      gateway = await startGateway({
        encodeUrl: stack.sandbox.encode!.url,
        gdcUrl: 'http://127.0.0.1:9', // discard port: nothing listens
        sandbox: { encode: true, gdc: false },
        defaults: { encode: null, gdcToken: null },
        logger: pino({ level: 'silent' }),
      });
      const res = await request(`${gateway.url}/readyz`);
      expect(res.statusCode).toBe(503);
      expect(await res.body.json()).toEqual({ status: 'unready', checks: { ENCODE: 'ok', GDC: 'unreachable (refused)' } });
    } finally {
      await gateway?.stop();
    }
  });
});

describe('ACCESS_LOG', () => {
  async function withMode(mode: 'errors' | 'off', run: (url: string) => Promise<void>) {
    const gateway = await startGateway({
      encodeUrl: stack.sandbox.encode!.url,
      gdcUrl: stack.sandbox.gdc!.url,
      sandbox: { encode: true, gdc: true },
      defaults: { encode: stack.sandbox.encode!.credentials, gdcToken: stack.sandbox.gdc!.token },
      logger: pino({ level: 'info' }, sink),
      accessLog: mode,
    });
    try {
      await run(gateway.graphqlUrl);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await gateway.stop();
    }
  }
  const post = async (url: string, id: string, query: string) => {
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ query }) });
    await res.body.text();
    return res;
  };

  it('errors: logs refused requests (fast path and Apollo alike) but not the ones that succeeded', async () => {
    lines.length = 0;
    await withMode('errors', async (url) => {
      await post(url, 'mode-ok-query', 'query Ok { gatewayInfo { version } }');
      await post(url, 'mode-ok-mutation', 'mutation Dry { createEntities(input: { source: ENCODE, profile: "lab", entities: [{ name: "x" }], dryRun: true }) { success } }');
      expect((await post(url, 'mode-bad', 'query Bad {')).statusCode).toBe(400);
    });
    expect(lines.filter((l) => l.req?.id === 'mode-bad')).toHaveLength(1);
    expect(lines.filter((l) => l.req?.id === 'mode-ok-query' || l.req?.id === 'mode-ok-mutation')).toEqual([]);
  });

  it('off: no access line at all, while the request id is still answered', async () => {
    lines.length = 0;
    await withMode('off', async (url) => {
      const res = await post(url, 'mode-off', 'query Ok { gatewayInfo { version } }');
      expect(res.headers['x-request-id']).toBe('mode-off');
      await post(url, 'mode-off-bad', 'query Bad {');
    });
    expect(lines.filter((l) => l.req)).toEqual([]);
  });
});

describe('/metrics', () => {
  it('counts operations by name and outcome, upstream calls by route template, batches and limit refusals', async () => {
    await stack.gql('query LabsByName { encodeRecords(ids: ["/labs/sandbox-lab/", "/awards/UM1HG000000/"]) }');
    await stack.gql('query Broken { encodeRecord(id: "/labs/../users/") }');
    await stack.gql('query OneLab { encodeRecord(id: "/labs/sandbox-lab/") }');
    await stack.gql(`query Many { ${Array.from({ length: 31 }, (_, i) => `a${i}: gatewayInfo { version }`).join(' ')} }`);
    const { status, body } = await text('/metrics');
    expect(status).toBe(200);
    expect(body).toMatch(/gateway_operations_total\{operation="LabsByName",type="query",outcome="ok"\} 1/);
    expect(body).toMatch(/gateway_operations_total\{operation="Broken",type="query",outcome="error"\} 1/);
    expect(body).toMatch(/gateway_operation_duration_seconds_bucket\{le="[^"]+",operation="LabsByName",type="query"\}/);
    expect(body).toMatch(/gateway_upstream_calls_total\{upstream="ENCODE",method="GET",route="\/search\/",status="200"\} [1-9]/);
    expect(body).toMatch(/gateway_dataloader_batch_size_count\{loader="encode.record"\} [1-9]/);
    expect(body).toMatch(/gateway_limit_refusals_total\{limit="MAX_ALIASES"\} [1-9]/);
    // Route labels never carry ids: no accession, uuid, alias or lab name.
    const routes = [...body.matchAll(/route="([^"]*)"/g)].map((m) => m[1]);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect(route).toMatch(/^(\/(\{[a-z]+\}(\.json)?|[a-z0-9_@-]+))*\/?$/);
    // The collection or endpoint is named: a record read by its collection, the profiles, the dictionary.
    expect(routes).toEqual(expect.arrayContaining(['/labs/{id}/', '/v0/submission/_dictionary/{type}']));
    expect(body).not.toMatch(/sandbox-lab|UM1HG000000/);
  });
});

describe('access log', () => {
  it('writes one line per request with its id, operation, status and ms, and no credential', async () => {
    lines.length = 0;
    const res = await request(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'accept-encoding': 'identity', 'content-type': 'application/json', 'x-request-id': 'log-test-1', 'x-dcc-api-key': 'SBXSUBMIT', 'x-dcc-secret-key': 'sandbox-submitter-secret', 'x-auth-token': 'gdc-sandbox-submitter-token' },
      body: JSON.stringify({ query: 'query Who { gatewayInfo { version } }', operationName: 'Who' }),
    });
    const answer = await res.body.text();
    await new Promise((r) => setTimeout(r, 50));
    const access = lines.filter((l) => l.req?.id === 'log-test-1');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ operation: 'Who', operationType: 'query', upstreamCalls: { ENCODE: 0, GDC: 0 }, res: { status: 200 }, req: { method: 'POST', path: '/graphql' } });
    expect(access[0].ms).toEqual(expect.any(Number));
    expect(access[0].msg).toMatch(/^POST \/graphql 200 \d+ ms$/);
    // Bytes sent: the answer plus its status line and headers, so more than the body, and not wildly more.
    expect(access[0].bytes).toBeGreaterThan(Buffer.byteLength(answer));
    expect(access[0].bytes).toBeLessThan(Buffer.byteLength(answer) + 2048);
    expect(JSON.stringify(lines)).not.toMatch(/sandbox-submitter-secret|gdc-sandbox-submitter-token|SBXSUBMIT/);
  });

  it('logs a mutation (handed on from the query front door to express) once, with the id the caller sent', async () => {
    lines.length = 0;
    const res = await request(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'log-test-mutation' },
      body: JSON.stringify({ query: 'mutation Dry { createEntities(input: { source: ENCODE, profile: "lab", entities: [{ name: "x" }], dryRun: true }) { success } }' }),
    });
    expect(res.headers['x-request-id']).toBe('log-test-mutation');
    const answer = (await res.body.json()) as { extensions: { upstreamCalls: Record<string, number> } };
    await new Promise((r) => setTimeout(r, 50));
    const access = lines.filter((l) => l.req?.id === 'log-test-mutation');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ operation: 'Dry', operationType: 'mutation', req: { method: 'POST', path: '/graphql' } });
    // A dry run of an ENCODE lab reads its profile upstream: the count is the one the answer reports.
    expect(access[0].upstreamCalls.ENCODE).toBe(answer.extensions.upstreamCalls.ENCODE);
    expect(access[0].upstreamCalls.ENCODE).toBeGreaterThan(0);
    expect(lines.filter((l) => l.req && l.req.id !== 'log-test-mutation')).toEqual([]);
  });

  it('logs a request whose caller went away before the answer as a warning, not an error', async () => {
    lines.length = 0;
    const url = new URL(stack.gateway.graphqlUrl);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    // Half a body, then the caller hangs up.
    socket.write(`POST /graphql HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 200\r\nX-Request-Id: log-test-gone\r\n\r\n{"query":`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const access = lines.filter((l) => l.req?.id === 'log-test-gone');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 30, aborted: true, req: { method: 'POST', path: '/graphql' } });
    expect(access[0].msg).toBe('POST /graphql: the client closed the connection before the answer');
  });
});
