import net from 'node:net';
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { FormData, request } from 'undici';
import pino from 'pino';
import { RESERVED_SEARCH_FIELDS } from '../../../src/datasources/grammar';
import { startGateway } from '../../../src/gateway';
import { startStack, type Stack } from '../../support/stack';

/**
 * The bad-input corpus (issue 7 §4): every case answers a clear GraphQL-style error with a code
 * (never a 500, never HTML), names the limit it hit, and sends nothing upstream it should not.
 */
const MAX_UPLOAD = 300_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({}, { maxUploadBytes: MAX_UPLOAD, headersTimeoutMs: 600, bodies: { maxRequestBytes: MAX_UPLOAD, minBytesPerSecond: 1024, rateWindowMs: 1_000 }, limits: { aliases: 10, rootFields: 8, depth: 6, tokens: 3_000, inputDepth: 20 } });
});
afterAll(() => stack.stop());
beforeEach(() => {
  stack.sandbox.encode!.requests.reset();
  stack.sandbox.gdc!.requests.reset();
});
const upstreamRequests = () => stack.sandbox.encode!.requests.entries.length + stack.sandbox.gdc!.requests.entries.length;

async function raw(body: string | FormData, headers: Record<string, string> = {}, method: 'POST' | 'GET' = 'POST', path = '/graphql') {
  const res = await request(`${stack.gateway.url}${path}`, {
    method,
    body: method === 'GET' ? undefined : body,
    headers: { ...(typeof body === 'string' && method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers },
  });
  const text = await res.body.text();
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(text).not.toMatch(/<html|<pre>|at .*\.(js|ts):\d+|\/work\//i);
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as { data?: any; errors?: any[]; extensions?: any } };
}

function expectRefusal(res: { errors?: any[] }, code: string, limit?: string) {
  expect(res.errors?.length).toBeGreaterThan(0);
  expect(res.errors![0].extensions.code).toBe(code);
  if (limit) {
    expect(res.errors![0].extensions.limit).toBe(limit);
    expect(res.errors![0].message).toContain(limit);
  }
}

describe('operation limits', () => {
  it('refuses 5,000 aliases (MAX_ALIASES) before any upstream call', async () => {
    const q = `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: gdcDictionary(type: "case")`).join(' ')} }`;
    const res = await raw(JSON.stringify({ query: q }));
    // Refused by MAX_TOKENS first here (a 5,000-alias document is long); either way, a named limit.
    expectRefusal(res.body, 'LIMIT_EXCEEDED');
    expect(['MAX_ALIASES', 'MAX_TOKENS']).toContain(res.body.errors![0].extensions.limit);
    expect(upstreamRequests()).toBe(0);
  });

  it('refuses aliases beyond MAX_ALIASES', async () => {
    const q = `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: gatewayInfo { version }`).join(' ')} }`;
    const res = await raw(JSON.stringify({ query: q }));
    expect(res.status).toBe(400);
    expectRefusal(res.body, 'LIMIT_EXCEEDED', 'MAX_ALIASES');
    expect(res.body.errors![0].message).toMatch(/more than 10 aliases/);
  });

  it('refuses top-level fields beyond MAX_ROOT_FIELDS, fragments included', async () => {
    const q = `query { ...F gatewayInfo { version } } fragment F on Query { ${Array.from({ length: 8 }, (_, i) => `f${i}: __typename g${i}: gatewayInfo { sandbox }`).join(' ')} }`;
    const res = await raw(JSON.stringify({ query: q }));
    expect(res.body.errors!.map((e) => e.extensions.limit)).toContain('MAX_ROOT_FIELDS');
  });

  it('refuses selections nested beyond MAX_DEPTH', async () => {
    const nest = (n: number): string => (n === 0 ? 'name' : `ofType { ${nest(n - 1)} }`);
    const res = await raw(JSON.stringify({ query: `{ __type(name: "Query") { fields { type { ${nest(6)} } } } }` }));
    expectRefusal(res.body, 'LIMIT_EXCEEDED', 'MAX_DEPTH');
  });

  it('refuses documents beyond MAX_TOKENS', async () => {
    const res = await raw(JSON.stringify({ query: `{ gatewayInfo { ${'version '.repeat(4000)} } }` }));
    expectRefusal(res.body, 'LIMIT_EXCEEDED', 'MAX_TOKENS');
  });

  it('refuses brackets nested deeper than the parser can take, before parsing', async () => {
    const res = await raw(JSON.stringify({ query: `{ gdcDictionary(type: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) }` }));
    expect(res.status).toBe(400);
    expectRefusal(res.body, 'BAD_USER_INPUT', 'MAX_INPUT_DEPTH');
  });

  it('refuses deeply nested JSON variables and documents as BAD_USER_INPUT', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`);
    const q = 'mutation($e: [JSON!]) { createEntities(input: { source: GDC, project: "GDC-INTERNAL", entities: $e, dryRun: true }) { success } }';
    const viaVariables = await raw(JSON.stringify({ query: q, variables: { e: [deep] } }));
    expectRefusal(viaVariables.body, 'BAD_USER_INPUT', 'MAX_INPUT_DEPTH');
    const doc = `${'['.repeat(100)}${']'.repeat(100)}`;
    const viaDocument = await stack.gql('mutation($d: String) { createEntities(input: { source: ENCODE, profile: "lab", document: $d, dryRun: true }) { success } }', { d: doc });
    expectRefusal(viaDocument, 'BAD_USER_INPUT');
    expect(viaDocument.errors![0].message).toMatch(/MAX_INPUT_DEPTH/);
  });
});

describe('identifiers that would reach other upstream paths', () => {
  const cases: [string, string][] = [
    ['ENCODE id ..', '{ encodeRecord(id: "..") }'],
    ['ENCODE id .', '{ encodeRecord(id: ".") }'],
    ['ENCODE @id with dot segments', '{ encodeRecord(id: "/labs/../../users/") }'],
    ['ENCODE encoded dot segments', '{ encodeRecord(id: "/labs/%2e%2e/") }'],
    ['ENCODE edit frame traversal', '{ encodeRecord(id: "../users", frame: EDIT) }'],
    ['ENCODE records batch', '{ encodeRecords(ids: ["..", "/labs/../x/"]) }'],
    ['ENCODE profile', '{ encodeProfile(name: "../users/") }'],
    ['ENCODE search type', '{ encodeSearch(type: "../users") { total } }'],
    ['GDC project', '{ gdcEntities(project: "..-..", ids: ["7e4d9d0c-4b1a-4b47-9a7a-2f8a7b5c1d00"]) }'],
    ['GDC project with a dot', '{ gdcEntities(project: "GDC-INTERNAL/..", ids: ["7e4d9d0c-4b1a-4b47-9a7a-2f8a7b5c1d00"]) }'],
    ['GDC id', '{ gdcEntities(project: "GDC-INTERNAL", ids: ["../../_dry_run"]) }'],
    ['GDC placeholder id', '{ gdcEntities(project: "GDC-INTERNAL", ids: ["…uuid…"]) }'],
    ['GDC node type', '{ gdcDictionary(type: "../_all") }'],
    [
      'GDC write to ..-..',
      'mutation { createEntities(input: { source: GDC, project: "..-..", entities: [{ type: "case" }], dryRun: true }) { success } }',
    ],
    ['ENCODE write to a traversing profile', 'mutation { createEntities(input: { source: ENCODE, profile: "../users", entities: [{}] }) { success } }'],
    ['ENCODE patch of a traversing id', 'mutation { patchRecord(input: { source: ENCODE, id: "/labs/../users/", patch: { a: 1 } }) { success } }'],
  ];
  it.each(cases)('%s is refused as BAD_USER_INPUT before any upstream call', async (_name, query) => {
    const res = await stack.gql(query);
    expect(res.status).toBeLessThan(500);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/is not valid|Refused an upstream path|PROGRAM-PROJECT/);
    expect(upstreamRequests()).toBe(0);
  });

  it.each([...RESERVED_SEARCH_FIELDS].map((f) => [f]))('search filter field %s is refused (reserved)', async (field) => {
    const res = await stack.gql('query($f: String!) { encodeSearch(type: "Lab", filters: [{ field: $f, values: ["1"] }]) { total } }', { f: field });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/search control/);
    expect(upstreamRequests()).toBe(0);
  });

  it('still accepts every kind of real identifier', async () => {
    const res = await stack.gql(`{
      a: encodeRecord(id: "/labs/sandbox-lab/") c: encodeRecords(ids: ["/awards/UM1HG000000/", "sandbox-lab:none", "TSTBS999999"])
      s: encodeSearch(type: "Lab", filters: [{ field: "name", values: ["sandbox-lab"] }, { field: "status!", values: ["deleted"] }]) { total }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.a.name).toBe('sandbox-lab');
    expect(res.data.c[0].name).toBe('UM1HG000000');
    expect(res.data.s.total).toBe(1);
  });
});

describe('request bodies', () => {
  it('answers invalid JSON with a GraphQL-style 400', async () => {
    const res = await raw('{"query": ');
    expect(res.status).toBe(400);
    expectRefusal(res.body, 'BAD_REQUEST');
    expect(res.body.extensions.upstreamCalls).toEqual({ ENCODE: 0, GDC: 0 });
  });

  it.each([['null'], ['"text"'], ['42']])('answers a body of %s with a GraphQL-style 400', async (body) => {
    const res = await raw(body);
    expect(res.status).toBe(400);
    expectRefusal(res.body, 'BAD_REQUEST');
  });

  it('answers an oversized body with 413 naming MAX_REQUEST_BYTES', async () => {
    const res = await raw(JSON.stringify({ query: `{ gatewayInfo { version } }`, padding: 'x'.repeat(MAX_UPLOAD) }));
    expect(res.status).toBe(413);
    expectRefusal(res.body, 'LIMIT_EXCEEDED', 'MAX_REQUEST_BYTES');
  });

  it('answers a broken multipart request with JSON', async () => {
    const form = new FormData();
    form.append('operations', '{not json');
    form.append('map', '{}');
    const res = await raw(form, { 'apollo-require-preflight': 'true' });
    expect(res.status).toBe(400);
    expectRefusal(res.body, 'BAD_REQUEST');
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await raw('', {}, 'GET', '/nope');
    expect(res.status).toBe(404);
    expectRefusal(res.body, 'NOT_FOUND');
  });
});

describe('uploaded documents', () => {
  const tsv = 'type\tsubmitter_id\tdisease_type\tprimary_site\tprojects.code\ncase\tENC-CAFÉ-1\tBlood Vessel Tumors\tBase of tongue\tINTERNAL\n';
  async function upload(bytes: Buffer, filename: string) {
    const form = new FormData();
    const query = 'mutation($file: Upload!) { createEntities(input: { source: GDC, project: "GDC-INTERNAL", file: $file, dryRun: true }) { success entities { submitterId errors { message } } } }';
    form.append('operations', JSON.stringify({ query, variables: { file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob([new Uint8Array(bytes)]), filename);
    return raw(form, { 'apollo-require-preflight': 'true' });
  }

  it('refuses a Latin-1 file with the offset of the first byte that is not UTF-8', async () => {
    const res = await upload(Buffer.from(tsv, 'latin1'), 'cases.tsv');
    expectRefusal(res.body, 'BAD_USER_INPUT');
    const offset = Buffer.from(tsv, 'latin1').indexOf(0xc9);
    expect(res.body.errors![0].message).toContain(`byte ${offset} is 0xC9`);
    expect(upstreamRequests()).toBe(0);
  });

  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(tsv, 'utf8')])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(tsv, 'utf16le').swap16()])],
  ])('decodes %s by its byte-order mark', async (_name, bytes) => {
    const res = await upload(bytes, 'cases.tsv');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createEntities.entities[0].submitterId).toBe('ENC-CAFÉ-1');
  });

  it('sends a non-Latin-1 file name as a valid, percent-encoded document name', async () => {
    const res = await upload(Buffer.from(tsv), 'cas-日本-ü.tsv');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createEntities.success).toBe(true);
  });

  it('accepts a file of exactly MAX_UPLOAD_BYTES and refuses one byte more', async () => {
    const json = (n: number) => {
      const doc = JSON.stringify([{ type: 'case', submitter_id: 'EXACT-1', disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } }]);
      return Buffer.from(doc + ' '.repeat(n - Buffer.byteLength(doc)));
    };
    // The multipart envelope around the file must itself fit in the JSON body limit; it is small.
    const exact = await upload(json(MAX_UPLOAD), 'exact.json');
    expect(exact.body.errors).toBeUndefined();
    expect(exact.body.data.createEntities.entities[0].submitterId).toBe('EXACT-1');
    const over = await upload(json(MAX_UPLOAD + 1), 'over.json');
    expect(JSON.stringify(over.body.errors)).toMatch(/MAX_UPLOAD_BYTES/);
  });
});

describe('HTTP hygiene', () => {
  it('sends security headers and a strict CSP on API answers', async () => {
    const res = await request(`${stack.gateway.url}/healthz`);
    await res.body.text();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves GraphiQL gzipped, with a CSP naming its scripts by hash', async () => {
    const res = await request(stack.gateway.graphqlUrl, { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    const body = Buffer.from(await res.body.arrayBuffer());
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(body.length).toBeLessThan(3_000_000);
    expect(gunzipSync(body).toString()).toMatch(/graphiql/i);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('serves GraphiQL precompressed as br too, the same page, and 304 for its ETag', async () => {
    const gz = await request(stack.gateway.graphqlUrl, { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    const page = gunzipSync(Buffer.from(await gz.body.arrayBuffer()));
    const br = await request(stack.gateway.graphqlUrl, { headers: { accept: 'text/html', 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.body.arrayBuffer())).equals(page)).toBe(true);
    // The script hash in the CSP is the page's own script.
    const script = /<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/.exec(page.toString())![1];
    expect(br.headers['content-security-policy']).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    const again = await request(stack.gateway.graphqlUrl, { headers: { accept: 'text/html', 'if-none-match': String(gz.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(await again.body.text()).toBe('');
  });

  it('answers a GET with only `extensions` as the API, not with the GraphiQL page', async () => {
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }));
    const res = await request(`${stack.gateway.graphqlUrl}?extensions=${extensions}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'apollo-require-preflight': 'true' } });
    const text = await res.body.text();
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(text).toMatch(/PersistedQueryNotFound|PERSISTED_QUERY_NOT_FOUND/);
  });

  it('keeps a sane X-Request-Id, echoes it, and puts it in error extensions', async () => {
    const res = await request(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-123.abc' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    const body = (await res.body.json()) as any;
    expect(res.headers['x-request-id']).toBe('trace-123.abc');
    expect(body.errors[0].extensions.requestId).toBe('trace-123.abc');
    const junk = await request(`${stack.gateway.url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
    await junk.body.text();
    expect(junk.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses introspection when INTROSPECTION is off, and allows it by default', async () => {
    const query = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
    const open = await raw(query);
    expect(open.body.data.__schema.queryType.name).toBe('Query');
    const closed = await startGateway({
      encodeUrl: stack.sandbox.encode!.url,
      gdcUrl: stack.sandbox.gdc!.url,
      sandbox: { encode: true, gdc: true },
      defaults: { encode: null, gdcToken: null },
      logger: pino({ level: 'silent' }),
      introspection: false,
    });
    try {
      const res = await request(closed.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
      const body = (await res.body.json()) as any;
      expect(body.errors[0].message).toMatch(/introspection is not allowed/i);
      expect(body.data).toBeUndefined();
    } finally {
      await closed.stop();
    }
  });

  it('closes a connection that connects and sends nothing (HEADERS_TIMEOUT_MS)', async () => {
    const port = Number(new URL(stack.gateway.url).port);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('close', () => resolve(Date.now() - started));
      setTimeout(() => socket.destroy(), 5_000).unref();
    });
    expect(closedAfter).toBeGreaterThanOrEqual(500);
    expect(closedAfter).toBeLessThan(2_000);
  });

  it('closes a connection whose request body arrives slower than BODY_MIN_BYTES_PER_SECOND, not one whose answer takes long', async () => {
    const port = Number(new URL(stack.gateway.url).port);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":');
      });
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 5_000).unref();
    });
    // One 1-second window of rate, checked each second: cut between 1 and 2.5 s.
    expect(closedAfter).toBeGreaterThanOrEqual(1_000);
    expect(closedAfter).toBeLessThan(2_500);
    // A complete request whose answer waits on a slow upstream keeps its connection past that limit.
    stack.sandbox.encode!.emulator.faults.set([{ method: 'GET', path: '^/profiles/', latencyMs: 1_500, times: 1 }]);
    try {
      const res = await stack.gql('{ encodeProfile(name: "lab") }');
      expect(res.errors).toBeUndefined();
      expect((res.data as any).encodeProfile).toBeTruthy();
    } finally {
      stack.sandbox.encode!.emulator.faults.clear();
    }
  });
});
