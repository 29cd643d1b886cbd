import type http from 'node:http';
import { UpstreamPool } from '../../../src/datasources/http';
import { UpstreamCalls } from '../../../src/datasources/upstream-calls';
import { listen, type Listening } from '../../../src/listen';

const hits = Array.from({ length: 300 }, (_, i) => ({ '@id': `/biosamples/ENCBS${i}/`, aliases: [`lab:é-${i}`], note: 'q"\\😀' }));
const BIG = JSON.stringify({ '@graph': hits, total: hits.length, filters: [{ field: 'aliases', term: 'lab:é-1' }], notification: 'Success' });

/** Answers `/big/` (declared length or chunked), `/small/`, and a 502 page that says it is JSON. */
const handler: http.RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/small/') return void res.end('{"@graph": [{"a": 1}], "total": 1}');
  if (url.pathname === '/broken/') {
    res.statusCode = 502;
    return void res.end(`<html>${'x'.repeat(5000)} proxy error</html>`);
  }
  const bytes = Buffer.from(BIG);
  if (url.searchParams.get('length') === 'declared') res.setHeader('content-length', bytes.length);
  // Written in pieces, so the answer streams in several chunks.
  for (let i = 0; i < bytes.length; i += 4096) res.write(bytes.subarray(i, i + 4096));
  res.end();
};

describe('UpstreamPool splitJson (a large JSON answer parsed in pieces)', () => {
  let server: Listening;
  let pool: UpstreamPool;
  beforeAll(async () => {
    server = await listen(handler);
    pool = new UpstreamPool('ENCODE', server.url, { timeoutMs: 5_000, splitJsonOverBytes: 1024 });
  });
  afterAll(async () => {
    await pool.close();
    await server.close();
  });

  it.each(['declared', 'chunked'])('parses an answer over the threshold in pieces, to what JSON.parse gives (length %s)', async (length) => {
    const res = await pool.request({ method: 'GET', path: '/big/', query: [['length', length]], splitJson: ['@graph', 'filters'] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(JSON.parse(BIG));
    expect(res.splitJson).toEqual(['@graph', 'filters']);
    expect(res.text).toBe(BIG);
  });

  it('parses an answer under the threshold, or a request without splitJson, in one piece with its text', async () => {
    const small = await pool.request({ method: 'GET', path: '/small/', splitJson: ['@graph', 'filters'] });
    expect(small).toMatchObject({ json: { '@graph': [{ a: 1 }], total: 1 }, text: '{"@graph": [{"a": 1}], "total": 1}' });
    expect(small.splitJson).toBeUndefined();
    const plain = await pool.request({ method: 'GET', path: '/big/' });
    expect(plain.json).toEqual(JSON.parse(BIG));
    expect(plain.text).toBe(BIG);
    expect(plain.splitJson).toBeUndefined();
  });

  it('keeps the text of a large answer that is not JSON after all, for the error message', async () => {
    const res = await pool.request({ method: 'GET', path: '/broken/', splitJson: ['@graph', 'filters'] });
    expect(res.status).toBe(502);
    expect(res.json).toBeUndefined();
    expect(res.text).toMatch(/proxy error<\/html>$/);
  }, 20_000);

  it("gives each reader of a memoised answer its own parse of it", async () => {
    const calls = new UpstreamCalls(50);
    const http = calls.http(pool);
    const get = () => http.request({ method: 'GET', path: '/big/', splitJson: ['@graph', 'filters'] });
    const [one, two] = await Promise.all([get(), get()]);
    const three = await get();
    expect(calls.counts().ENCODE).toBe(1);
    (one.json as { '@graph': { note: string }[] })['@graph'][0].note = 'changed by one reader';
    expect(two.json).toEqual(JSON.parse(BIG));
    expect(three.json).toEqual(JSON.parse(BIG));
    expect(three.json).not.toBe(two.json);
  });
});
