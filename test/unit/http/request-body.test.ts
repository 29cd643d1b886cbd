import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { InflightBytes } from '../../../src/http/inflight-bytes';
import { multipartBoundaryProblem, requestBody } from '../../../src/http/request-body';

/**
 * The one body reader (issue 18) on a bare node:http server that answers what it parsed:
 * refusals on the head alone, the cap before and after inflation, and the process-wide in-flight
 * accounting, seen from a raw socket (so "not read" and "closed" are what the wire shows).
 */
const MAX = 10_000;

async function serve(options: { inflight?: InflightBytes; acceptCompressed?: boolean } = {}) {
  const inflight = options.inflight ?? new InflightBytes(1_000_000);
  const jsonLimits = { maxKeys: 1000, maxNodes: 100_000, maxStringLength: 1_000_000, maxListItems: 10_000, maxDepth: 64 };
  const step = requestBody({ maxBytes: MAX, inflight, acceptCompressed: options.acceptCompressed ?? true, jsonLimits });
  const server = http.createServer((req, res) =>
    step(req, res, () => {
      const body = JSON.stringify({ parsed: (req as { body?: unknown }).body });
      res.setHeader('content-type', 'application/json');
      res.end(body);
    }),
  );
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    inflight,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

interface Exchange {
  /** Everything the server sent. */
  text: string;
  status: number;
  json: any;
  /** The server closed the connection (within `waitMs`). */
  closed: boolean;
}

/** Sends a head (and body chunks, `null` = stop sending), reads until the server closes or `waitMs` passes. */
function exchange(port: number, head: string, body: (Buffer | string)[] = [], waitMs = 1_500): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.on('connect', () => {
      socket.write(head);
      for (const chunk of body) socket.write(chunk);
    });
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const done = () => {
      socket.destroy();
      const finals = text.split('\r\n').filter((l) => /^HTTP\/1\.1 [2-5]\d\d /.test(l));
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(finals[0] ?? '')?.[1] ?? 0);
      const payload = text.slice(text.lastIndexOf('\r\n\r\n') + 4);
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        json = undefined;
      }
      resolve({ text, status, json, closed });
    };
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      done();
    });
    const timer = setTimeout(done, waitMs);
  });
}

function head(headers: Record<string, string | number>): string {
  return `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

const QUERY = JSON.stringify({ query: '{ a }' });

let s: Awaited<ReturnType<typeof serve>>;
afterEach(async () => s?.close());

describe('the request body reader', () => {
  it('parses a JSON body under MAX_REQUEST_BYTES into req.body', async () => {
    s = await serve();
    const r = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': QUERY.length }), [QUERY], 300);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ parsed: { query: '{ a }' } });
    expect(s.inflight.held).toBe(0);
  });

  it('decodes UTF-8 characters split between two chunks of the body', async () => {
    s = await serve();
    // é is 2 bytes, 🧬 is 4: the cut falls inside 🧬, and the halves arrive as separate chunks.
    const body = Buffer.from(JSON.stringify({ query: '{ a }', variables: { name: 'é🧬é' } }), 'utf8');
    const cut = body.indexOf(Buffer.from('🧬', 'utf8')) + 2;
    const bytes = await new Promise<Buffer>((resolve) => {
      const socket = net.connect(s.port, '127.0.0.1');
      const got: Buffer[] = [];
      socket.on('data', (d) => got.push(d));
      socket.on('close', () => resolve(Buffer.concat(got)));
      socket.on('connect', () => {
        socket.write(head({ 'content-type': 'application/json', 'content-length': body.length, connection: 'close' }));
        socket.write(body.subarray(0, cut));
        setTimeout(() => socket.write(body.subarray(cut)), 50);
      });
    });
    const text = bytes.toString('utf8');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ parsed: { query: '{ a }', variables: { name: 'é🧬é' } } });
  });

  it('refuses a declared Content-Length over MAX_REQUEST_BYTES from the head alone, and closes the connection', async () => {
    s = await serve();
    // Not one byte of the 200 MB is sent: the answer comes from the head.
    const r = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': 200 * 1024 * 1024 }));
    expect(r.status).toBe(413);
    expect(r.closed).toBe(true);
    expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.json.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_REQUEST_BYTES', max: MAX });
  });

  it('accepts exactly MAX_REQUEST_BYTES and refuses one byte more', async () => {
    s = await serve();
    const exact = `{"query":"${'a'.repeat(MAX - 12)}"}`;
    expect(exact.length).toBe(MAX);
    const ok = await exchange(s.port, head({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), [`${MAX.toString(16)}\r\n${exact}\r\n0\r\n\r\n`], 300);
    expect(ok.status).toBe(200);
    const over = `{"query":"${'a'.repeat(MAX - 11)}"}`;
    const refused = await exchange(s.port, head({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), [`${over.length.toString(16)}\r\n${over}\r\n0\r\n\r\n`]);
    expect(refused.status).toBe(413);
    expect(refused.json.errors[0].extensions.limit).toBe('MAX_REQUEST_BYTES');
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('inflates %s under the cap, and refuses what inflates over it', async (encoding, compress) => {
    s = await serve();
    const small = compress(Buffer.from(QUERY));
    const ok = await exchange(s.port, head({ 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': small.length }), [small], 300);
    expect(ok.json).toEqual({ parsed: { query: '{ a }' } });
    // 4 MB of spaces compress to a body smaller than the cap: the cap holds after inflation.
    const bomb = compress(Buffer.alloc(4 * 1024 * 1024, ' '));
    expect(bomb.length).toBeLessThan(MAX);
    const refused = await exchange(s.port, head({ 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': bomb.length }), [bomb]);
    expect(refused.status).toBe(413);
    expect(refused.json.errors[0].message).toBe(`The request body inflates to more than ${MAX} bytes (MAX_REQUEST_BYTES=${MAX}); send a large submission document as a file (multipart, the input's \`file\`)`);
  });

  it('refuses compressed bodies with 415 when ACCEPT_COMPRESSED_BODIES is false, and unknown encodings, charsets and types always', async () => {
    s = await serve({ acceptCompressed: false });
    const zipped = gzipSync(QUERY);
    const cases: Record<string, string | number>[] = [
      { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length },
      { 'content-type': 'application/json', 'content-encoding': 'compress', 'content-length': 5 },
      { 'content-type': 'application/json; charset=latin1', 'content-length': 5 },
      { 'content-type': 'text/plain', 'content-length': 5 },
    ];
    const messages: string[] = [];
    for (const headers of cases) {
      const r = await exchange(s.port, head(headers));
      expect(r.status).toBe(415);
      expect(r.json.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      messages.push(r.json.errors[0].message);
    }
    expect(messages[0]).toMatch(/ACCEPT_COMPRESSED_BODIES=false/);
    expect(messages[1]).toMatch(/Unsupported Content-Encoding "compress"/);
    expect(messages[2]).toMatch(/Unsupported charset "LATIN1"/);
    expect(messages[3]).toMatch(/not 'text\/plain'/);
  });

  it('answers invalid JSON and bad compressed data with 400 BAD_REQUEST', async () => {
    s = await serve();
    const bad = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': 10 }), ['{"query": '], 300);
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    const scalar = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': 4 }), ['null'], 300);
    expect(scalar.status).toBe(400);
    const notGzip = await exchange(s.port, head({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': 10 }), ['not gzip!!']);
    expect(notGzip.status).toBe(400);
    expect(notGzip.json.errors[0].message).toMatch(/not valid gzip data/);
  });

  it('sends 100 Continue only for a request it is going to read', async () => {
    s = await serve();
    const refused = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': MAX + 1, expect: '100-continue' }));
    expect(refused.text).not.toMatch(/100 Continue/);
    expect(refused.status).toBe(413);
    const accepted = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': QUERY.length, expect: '100-continue' }), [], 300);
    expect(accepted.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
  });
});

describe('MAX_INFLIGHT_BODY_BYTES', () => {
  it('reserves a declared length up front, refuses what does not fit with 503 + Retry-After, and gives it back when the answer is done', async () => {
    s = await serve({ inflight: new InflightBytes(1_000) });
    // A first request declares 800 bytes and sends only part: its 800 are held.
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(head({ 'content-type': 'application/json', 'content-length': 800 }));
    socket.write('{"query":"');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.inflight.held).toBe(800);
    const second = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': 300 }));
    expect(second.status).toBe(503);
    expect(second.text).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(second.json.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_INFLIGHT_BODY_BYTES', max: 1_000 });
    expect(second.closed).toBe(true);
    // The first finishes: its bytes come back, and the same request now fits.
    const answered = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => {
        text += d;
        if (text.includes('"parsed"')) resolve(text);
      });
    });
    socket.write(`${'a'.repeat(800 - 12)}"}`);
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.inflight.held).toBe(0);
    const third = await exchange(s.port, head({ 'content-type': 'application/json', 'content-length': QUERY.length }), [QUERY], 300);
    expect(third.status).toBe(200);
  });

  it('counts a compressed body by what it inflates to', async () => {
    s = await serve({ inflight: new InflightBytes(5_000) });
    const body = gzipSync(JSON.stringify({ query: '{ a }', pad: 'x'.repeat(8_000) }));
    expect(body.length).toBeLessThan(5_000);
    const r = await exchange(s.port, head({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length }), [body]);
    expect(r.status).toBe(503);
    expect(r.json.errors[0].extensions.limit).toBe('MAX_INFLIGHT_BODY_BYTES');
    await new Promise((res) => setTimeout(res, 50));
    expect(s.inflight.held).toBe(0);
  });

  it('gives the bytes back when the client goes away mid-body', async () => {
    s = await serve({ inflight: new InflightBytes(1_000) });
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(head({ 'content-type': 'application/json', 'content-length': 900 }));
    socket.write('{"q');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.inflight.held).toBe(900);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.inflight.held).toBe(0);
  });
});

describe('multipart boundaries', () => {
  it('takes RFC 2046 boundaries and names what is wrong with others', () => {
    expect(multipartBoundaryProblem('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW')).toBeNull();
    expect(multipartBoundaryProblem(`multipart/form-data; boundary="${'b'.repeat(70)}"`)).toBeNull();
    expect(multipartBoundaryProblem(`multipart/form-data; boundary=${'b'.repeat(71)}`)).toBe("The multipart boundary must be 1 to 70 characters of RFC 2046's set (got 71 characters)");
    expect(multipartBoundaryProblem('multipart/form-data')).toBe('The multipart/form-data Content-Type names no boundary');
  });
});
