import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib, { brotliCompress, gzip } from 'node:zlib';
import type { Request, Response } from 'express';
import type { GraphiQLOptions } from 'graphql-yoga';

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
 */
export function graphiqlPage(endpoint: string): string {
  // Loaded on the first browser visit: render-graphiql brings graphql-yoga and GraphiQL's bundle,
  // about 60 MB of resident memory that a gateway serving only API callers never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderGraphiQL } = require('@graphql-yoga/render-graphiql') as typeof import('@graphql-yoga/render-graphiql');
  const options: GraphiQLOptions & { query: string } = {
    endpoint,
    title: 'submission-gateway',
    query: EXAMPLE,
    defaultQuery: EXAMPLE,
  };
  return renderGraphiQL(options);
}

interface BuiltPage {
  html: Buffer;
  etag: string;
  csp: string;
  /** Each encoding compressed once, on the first request that takes it (not on the event loop). */
  encoded: Map<'br' | 'gzip', Promise<Buffer>>;
}

/**
 * The page is ~8.9 MB: rendered and hashed once, on the first browser visit (a gateway that only
 * serves API clients never builds it), and compressed once per encoding: 200 requests cost one
 * compression, not 200 (issue 18 measured 40 s of CPU). Its CSP allows exactly its own inline
 * scripts (by hash), Monaco's blob: workers and inline styles, and requests to this origin only.
 */
function build(endpoint: string): BuiltPage {
  const text = graphiqlPage(endpoint);
  const hashes = [...text.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  const html = Buffer.from(text);
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`, csp, encoded: new Map() };
}

/** Brotli at a middle quality: 11 takes tens of seconds on 8.9 MB for a few percent less. */
const BROTLI_QUALITY = 7;

function encoded(page: BuiltPage, encoding: 'br' | 'gzip'): Promise<Buffer> {
  let zipped = page.encoded.get(encoding);
  if (!zipped) {
    zipped =
      encoding === 'br'
        ? promisify(brotliCompress)(page.html, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: page.html.length } })
        : promisify(gzip)(page.html, { level: 9 });
    page.encoded.set(encoding, zipped);
  }
  return zipped;
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

const pages = new Map<string, BuiltPage>();

export async function sendGraphiql(req: Request, res: Response, endpoint: string): Promise<void> {
  let page = pages.get(endpoint);
  if (!page) pages.set(endpoint, (page = build(endpoint)));
  res.setHeader('content-security-policy', page.csp);
  res.setHeader('etag', page.etag);
  res.setHeader('vary', 'Accept-Encoding');
  res.setHeader('cache-control', 'no-cache');
  res.type('html');
  if (req.headers['if-none-match'] === page.etag) {
    res.status(304).end();
    return;
  }
  const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding === 'br' || encoding === 'gzip') {
    const body = await encoded(page, encoding);
    res.setHeader('content-encoding', encoding);
    res.setHeader('content-length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.setHeader('content-length', page.html.length);
  res.end(req.method === 'HEAD' ? undefined : page.html);
}
