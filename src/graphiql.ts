import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
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
  gzip: Buffer;
  etag: string;
  csp: string;
}

/**
 * The page is ~8.9 MB: rendered, hashed and gzipped once, on the first browser visit (a gateway
 * that only serves API clients never builds it). Its CSP allows exactly its own inline scripts
 * (by hash), Monaco's blob: workers and inline styles, and requests to this origin only.
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
  return { html, gzip: gzipSync(html), etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`, csp };
}

const pages = new Map<string, BuiltPage>();

export function sendGraphiql(req: Request, res: Response, endpoint: string): void {
  let page = pages.get(endpoint);
  if (!page) pages.set(endpoint, (page = build(endpoint)));
  res.setHeader('content-security-policy', page.csp);
  res.setHeader('etag', page.etag);
  addVary(res, 'Accept-Encoding');
  res.setHeader('cache-control', 'no-cache');
  res.type('html');
  if (req.headers['if-none-match'] === page.etag) {
    res.status(304).end();
    return;
  }
  if (req.acceptsEncodings('gzip') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    res.end(page.gzip);
    return;
  }
  res.end(page.html);
}
