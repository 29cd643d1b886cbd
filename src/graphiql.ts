import type { IncomingMessage } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { Request, Response } from 'express';
import type { GraphiQLOptions } from 'graphql-yoga';
import { addVary } from './http/vary';

const EXAMPLE = `# Run it with the play button or Ctrl-Enter
query Overview {
  gatewayInfo {
    sandbox
    upstreams { source url sandbox }
  }
  labs: encodeSearch(type: "Lab", limit: 5) {
    total
    records
  }
  sample: gdcDictionary(type: "sample")
}
`;

/**
 * GraphiQL as one self-contained page (its JavaScript is inlined), so it works with no network.
 * The page opens on `query`: render-graphiql 5.18 reads it at run time but leaves it out of its
 * types, and shows its own welcome text instead of `defaultQuery` (graphql-yoga issue 3979).
 *
 * Subscriptions run over GraphQL over SSE (src/http/sse-subscriptions.ts) at the same endpoint:
 * an event stream is an HTTP request, so what the user puts in the headers pane (upstream
 * credentials, `Authorization: Bearer` for GATEWAY_API_KEYS) reaches it as for a query; a
 * browser's WebSocket could carry neither.
 */
export function pageOptions(endpoint: string): GraphiQLOptions & { query: string } {
  return { endpoint, title: 'submission-gateway', query: EXAMPLE, defaultQuery: EXAMPLE, subscriptionsProtocol: 'GRAPHQL_SSE' };
}

interface BuiltPage {
  html: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  csp: string;
}

/** Brotli at a middle quality: 11 takes tens of seconds on 8.9 MB for a few percent less. */
const BROTLI_QUALITY = 7;

/**
 * Runs in a worker thread: renders the page, hashes its inline scripts for the CSP, and
 * compresses it once per encoding. render-graphiql brings graphql-yoga and GraphiQL's bundle
 * (about 60 MB, half a second to load) and the page is 8.9 MB to scan, hash and compress: on the
 * event loop that stalled every other caller for most of a second on the first visit.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const zlib = require('node:zlib');
const { renderGraphiQL } = require(workerData.renderer);
const text = renderGraphiQL(workerData.options);
const hashes = [...text.matchAll(/<script(?:\\s[^>]*)?>([\\s\\S]*?)<\\/script>/g)].map((m) => "'sha256-" + createHash('sha256').update(m[1]).digest('base64') + "'");
const html = Buffer.from(text);
parentPort.postMessage({
  html,
  hashes,
  etag: '"' + createHash('sha256').update(html).digest('base64url').slice(0, 27) + '"',
  gzip: zlib.gzipSync(html, { level: 9 }),
  br: zlib.brotliCompressSync(html, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: workerData.brotliQuality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: html.length } }),
});
`;

interface WorkerResult {
  html: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
  hashes: string[];
  etag: string;
}

/**
 * The page is ~8.9 MB: built once per endpoint, on the first browser visit (a gateway that only
 * serves API clients never builds it), off the event loop, with each encoding compressed once:
 * 200 loads cost one compression, not 200 (issue 18 measured 40 s of CPU). Its CSP allows exactly
 * its own inline scripts (by hash), Monaco's blob: workers and inline styles, and requests to
 * this origin only.
 */
function build(endpoint: string): Promise<BuiltPage> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { renderer: require.resolve('@graphql-yoga/render-graphiql'), options: pageOptions(endpoint), brotliQuality: BROTLI_QUALITY },
    });
    worker.once('error', reject);
    worker.once('message', (r: WorkerResult) => {
      void worker.terminate();
      const csp = [
        "default-src 'self'",
        `script-src 'self' ${r.hashes.join(' ')}`,
        "worker-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join('; ');
      const buffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      resolve({ html: buffer(r.html), gzip: buffer(r.gzip), br: buffer(r.br), etag: r.etag, csp });
    });
  });
}

/**
 * A GET for the page: /graphql with neither `query` nor `extensions` (a persisted query sends only
 * `extensions`: that is an API request, for Apollo, after auth). The page itself is static.
 */
export function isGraphiqlGet(req: IncomingMessage, path = '/graphql'): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://x');
  return url.pathname === path && !url.searchParams.has('query') && !url.searchParams.has('extensions');
}

const pages = new Map<string, Promise<BuiltPage>>();

export async function sendGraphiql(req: Request, res: Response, endpoint: string): Promise<void> {
  let building = pages.get(endpoint);
  if (!building) {
    pages.set(endpoint, (building = build(endpoint)));
    // A failed build is tried again on the next visit.
    building.catch(() => pages.delete(endpoint));
  }
  const page = await building;
  res.setHeader('content-security-policy', page.csp);
  res.setHeader('etag', page.etag);
  addVary(res, 'Accept-Encoding');
  res.setHeader('cache-control', 'no-cache');
  res.type('html');
  if (req.headers['if-none-match'] === page.etag) {
    res.status(304).end();
    return;
  }
  const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
  const body = encoding === 'br' ? page.br : encoding === 'gzip' ? page.gzip : page.html;
  if (encoding === 'br' || encoding === 'gzip') res.setHeader('content-encoding', encoding);
  res.setHeader('content-length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}
