import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { request } from 'undici';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { caseOf } from '../support/gdc';
import { attr, type OtlpReceiver, startOtlpReceiver } from '../support/otlp';
import { gqlAt, START_CREATE, waitForJob } from '../support/jobs';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * Issue 17: with OTEL_EXPORTER_OTLP_ENDPOINT set, one GraphQL operation that makes 3 upstream
 * calls is exported (OTLP/HTTP, to a receiver in this test) as the operation's span, child of the
 * caller's traceparent, with 3 child spans; the upstream sees the caller's trace id in traceparent
 * (each call naming its own span) and the request's X-Request-Id.
 */
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const QUERY = 'query Three { a: encodeProfile(name: "lab") b: encodeProfile(name: "award") c: encodeProfile(name: "biosample") }';

let sandbox: RunningSandbox;
let receiver: OtlpReceiver;
let upstream: http.Server;
let gw: (RunningProcess & { graphqlUrl: string }) | undefined;
let spans: OtlpReceiver['spans'];
const seenUpstream: { path: string; traceparent?: string; tracestate?: string; requestId?: string }[] = [];
/** A path the recording upstream answers 503 once (then forwards again), to see a retry in the span. */
let failOnce: string | null = null;
/** A path the recording upstream answers once with broken JSON. */
let garbleOnce: string | null = null;

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

beforeAll(async () => {
  sandbox = await startSandbox({});
  // The collector: OTLP/HTTP JSON at /v1/traces.
  receiver = await startOtlpReceiver();
  spans = receiver.spans;
  // ENCODE as the gateway reaches it: records what each request carries, then forwards it.
  const target = new URL(sandbox.encode!.url);
  upstream = http.createServer((req, res) => {
    seenUpstream.push({ path: req.url!, traceparent: req.headers.traceparent as string, tracestate: req.headers.tracestate as string, requestId: req.headers['x-request-id'] as string });
    if (failOnce && req.url!.startsWith(failOnce)) {
      failOnce = null;
      return void res.writeHead(503, { 'retry-after': '0' }).end('busy');
    }
    if (garbleOnce && req.url!.startsWith(garbleOnce)) {
      garbleOnce = null;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"truncated": ');
    }
    const forward = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  const collector = receiver.url;
  const encode = await listen(upstream);
  gw = await startGatewayProcess({
    NODE_ENV: 'production',
    ENCODE_URL: encode,
    GDC_URL: sandbox.gdc!.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector,
    OTEL_SERVICE_NAME: 'gateway-under-test',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    LOG_LEVEL: 'debug',
  });
}, 120_000);
afterAll(async () => {
  kill(gw);
  upstream?.closeAllConnections();
  await Promise.all([receiver?.close(), new Promise((r) => upstream?.close(r)), sandbox?.stop()]);
});

it('exports the operation span (child of the caller) with one child span per upstream call, and sends the trace upstream', async () => {
  const res = await request(gw!.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=abc', 'x-request-id': 'trace-test-request-1' },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await res.body.json()) as any;
  expect(body.errors).toBeUndefined();
  expect(body.extensions.upstreamCalls).toEqual({ ENCODE: 3, GDC: 0 });

  for (const end = Date.now() + 15_000; spans.filter((s) => s.traceId === CALLER_TRACE).length < 4 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  const ours = spans.filter((s) => s.traceId === CALLER_TRACE);
  const operation = ours.filter((s) => s.parentSpanId === CALLER_SPAN);
  expect(operation).toHaveLength(1);
  expect(operation[0]).toMatchObject({ name: 'query Three', kind: 2 }); // SERVER
  expect(attr(operation[0], 'graphql.operation.name')).toBe('Three');
  expect(attr(operation[0], 'graphql.operation.type')).toBe('query');
  expect(attr(operation[0], 'graphql.document.hash')).toBe(createHash('sha256').update(QUERY).digest('hex'));
  expect(attr(operation[0], 'http.response.status_code')).toBe(200);
  const children = ours.filter((s) => s.parentSpanId === operation[0].spanId);
  expect(children).toHaveLength(3);
  expect(ours).toHaveLength(4);
  for (const child of children) {
    expect(child.kind).toBe(3); // CLIENT
    expect(child.name).toMatch(/^GET \/profiles\//);
    expect(attr(child, 'upstream.name')).toBe('ENCODE');
    expect(attr(child, 'http.request.method')).toBe('GET');
    expect(attr(child, 'http.response.status_code')).toBe(200);
    expect(attr(child, 'http.request.resend_count')).toBe(0);
  }
  // The upstream saw the caller's trace, each request naming its own call's span, and the request id.
  const sent = seenUpstream.filter((r) => r.requestId === 'trace-test-request-1');
  expect(sent).toHaveLength(3);
  expect(sent.map((r) => r.traceparent).sort()).toEqual(children.map((c) => `00-${CALLER_TRACE}-${c.spanId}-01`).sort());
  expect(sent.every((r) => r.tracestate === 'vendor=abc')).toBe(true);
  // The access line names the trace.
  const line = await gw!.waitForLog((l) => (l.req as { id?: string } | undefined)?.id === 'trace-test-request-1');
  expect(line.traceId).toBe(CALLER_TRACE);
});

it('a caller without traceparent starts a trace of its own; X-Request-Id still goes upstream', async () => {
  const before = seenUpstream.length;
  const res = await request(gw!.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-test-request-2' }, body: JSON.stringify({ query: '{ encodeProfile(name: "lab") }' }) });
  expect(res.statusCode).toBe(200);
  await res.body.json();
  const sent = seenUpstream.slice(before);
  expect(sent).toHaveLength(1);
  expect(sent[0].requestId).toBe('trace-test-request-2');
  const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(sent[0].traceparent ?? '')?.[1];
  expect(traceId).toBeDefined();
  expect(traceId).not.toBe(CALLER_TRACE);
  for (const end = Date.now() + 15_000; spans.filter((s) => s.traceId === traceId).length < 2 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  const root = spans.filter((s) => s.traceId === traceId && !s.parentSpanId);
  expect(root).toHaveLength(1);
  expect(root[0].name).toBe('query anonymous');
});

it('traces a mutation (Apollo, not the query fast path) through the same seam, with its upstream calls', async () => {
  const traceId = 'a'.repeat(32);
  const res = await request(gw!.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': sandbox.gdc!.token, traceparent: `00-${traceId}-${'b'.repeat(16)}-01` },
    body: JSON.stringify({
      query: 'mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { success } }',
      variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [{ type: 'case', submitter_id: 'TRACE-1', projects: { code: 'INTERNAL' } }] } },
    }),
  });
  const body = (await res.body.json()) as any;
  if (!body.extensions.upstreamCalls.GDC) throw new Error(JSON.stringify(body));
  const calls = body.extensions.upstreamCalls.GDC as number;
  expect(calls).toBeGreaterThanOrEqual(1);
  for (const end = Date.now() + 15_000; spans.filter((s) => s.traceId === traceId).length < calls + 1 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  const ours = spans.filter((s) => s.traceId === traceId);
  const operation = ours.filter((s) => s.parentSpanId === 'b'.repeat(16));
  expect(operation.map((s) => s.name)).toEqual(['mutation Create']);
  const children = ours.filter((s) => s.parentSpanId === operation[0].spanId);
  expect(children).toHaveLength(calls);
  expect(children.every((c) => attr(c, 'upstream.name') === 'GDC' && /^(GET|POST|PUT) \/v0\/submission\//.test(c.name))).toBe(true);
});

it('an upstream call retried after a 503 is one span, with its resend count and the final status', async () => {
  const traceId = 'c'.repeat(32);
  failOnce = '/profiles/award.json';
  const res = await request(gw!.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'d'.repeat(16)}-01` },
    body: JSON.stringify({ query: '{ encodeProfile(name: "award") }' }),
  });
  const body = (await res.body.json()) as any;
  expect(body.errors).toBeUndefined();
  expect(body.extensions.upstreamCalls).toEqual({ ENCODE: 2, GDC: 0 }); // each attempt counts
  for (const end = Date.now() + 15_000; spans.filter((s) => s.traceId === traceId).length < 2 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  const children = spans.filter((s) => s.traceId === traceId && s.parentSpanId && s.parentSpanId !== 'd'.repeat(16));
  expect(children).toHaveLength(1);
  expect(attr(children[0], 'http.request.resend_count')).toBe(1);
  expect(attr(children[0], 'http.response.status_code')).toBe(200);
});

it('every line logged for a request carries its trace id, not only the access line', async () => {
  // A client gone in the middle of an upload's file: the error reading it is logged (debug) while
  // the request is handled, after its body was read in the socket's callbacks.
  const traceId = 'e'.repeat(32);
  const boundary = 'tracing-boundary';
  const operations = JSON.stringify({
    query: 'mutation($f: Upload!) { createEntities(input: { source: GDC, project: "GDC-INTERNAL", dryRun: true, file: $f }) { success } }',
    variables: { f: null },
  });
  const head = [
    `--${boundary}\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n`,
    `--${boundary}\r\ncontent-disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n`,
    `--${boundary}\r\ncontent-disposition: form-data; name="0"; filename="cases.tsv"\r\ncontent-type: text/tab-separated-values\r\n\r\ntype\tsubmitter_id\n`,
  ].join('');
  const { port } = new URL(gw!.graphqlUrl);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write(
    [
      'POST /graphql HTTP/1.1',
      `host: 127.0.0.1:${port}`,
      `content-type: multipart/form-data; boundary=${boundary}`,
      'apollo-require-preflight: true',
      `x-auth-token: ${sandbox.gdc!.token}`,
      `traceparent: 00-${traceId}-${'f'.repeat(16)}-01`,
      'x-request-id: trace-test-request-5',
      `content-length: ${head.length + 1_000_000}`,
      '',
      head,
    ].join('\r\n'),
  );
  await new Promise((r) => setTimeout(r, 500));
  socket.destroy();
  const access = await gw!.waitForLog((l) => (l.req as { id?: string } | undefined)?.id === 'trace-test-request-5');
  expect(access.traceId).toBe(traceId);
  const reading = await gw!.waitForLog((l) => l.msg === 'request error reading an upload');
  expect(reading.traceId).toBe(traceId);
  // Lines of no request (the start banner) carry none.
  expect(gw!.logs.find((l) => /ready/.test(l.msg))!.traceId).toBeUndefined();
});

it('a job is a span in the trace of the operation that started it, its upstream calls its children', async () => {
  const traceId = '1'.repeat(32);
  const callerSpan = '2'.repeat(16);
  const headers = { 'x-auth-token': sandbox.gdc!.token };
  const gql = gqlAt(gw!.graphqlUrl);
  const entities = ['JOBSPAN-1', 'JOBSPAN-2', 'JOBSPAN-3'].map((id) => caseOf(id));
  const started = await gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities, chunkSize: 1 } }, { ...headers, traceparent: `00-${traceId}-${callerSpan}-01` });
  expect(started.errors).toBeUndefined();
  const id = started.data.startCreateEntities.id as string;
  const job = await waitForJob(gql, id, undefined, 60_000, headers);
  expect(job).toMatchObject({ state: 'SUCCEEDED', progress: { total: 3, succeeded: 3 } });

  const jobSpan = () => spans.find((s) => s.traceId === traceId && s.name === 'job createEntities');
  for (const end = Date.now() + 15_000; !jobSpan() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  const span = jobSpan()!;
  expect(span).toBeDefined();
  // Its parent is the startCreateEntities operation, itself the caller's child.
  const operation = spans.find((s) => s.spanId === span.parentSpanId)!;
  expect(operation).toMatchObject({ traceId, name: 'mutation S', parentSpanId: callerSpan });
  expect(span.kind).toBe(5); // CONSUMER
  expect(attr(span, 'job.id')).toBe(id);
  expect(attr(span, 'job.kind')).toBe('createEntities');
  expect(attr(span, 'job.state')).toBe('SUCCEEDED');
  expect(attr(span, 'job.rows')).toBe(3);
  expect(attr(span, 'job.succeeded')).toBe(3);
  expect(attr(span, 'job.failed')).toBe(0);
  // One transaction per chunk: 3 POSTs to the project, each a child of the job's span.
  const children = spans.filter((s) => s.parentSpanId === span.spanId);
  expect(children.every((c) => c.traceId === traceId && c.kind === 3 && attr(c, 'upstream.name') === 'GDC')).toBe(true);
  expect(children.filter((c) => c.name === 'POST /v0/submission/{prog}/{proj}')).toHaveLength(3);
});
