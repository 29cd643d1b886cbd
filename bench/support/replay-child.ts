import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { ready } from './child';

/**
 * An upstream that costs next to nothing: in front of each real one (the sandbox), a GET is
 * forwarded the first time and answered from memory afterwards, byte for byte (status, content
 * type, body). Benchmarks that measure the gateway's own throughput put it between the gateways
 * and the sandbox so that the sandbox (whose emulation costs more per request than the gateway
 * does) is not what they measure. Writes are forwarded every time.
 */
interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

function replaying(upstream: string): http.Server {
  const answers = new Map<string, Answer>();
  return http.createServer((req, res) => {
    const key = req.method === 'GET' ? req.url! : null;
    const known = key === null ? undefined : answers.get(key);
    if (known) return void res.writeHead(known.status, { 'content-type': known.contentType, 'content-length': known.body.length }).end(known.body);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(name))) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      request(`${upstream}${req.url}`, { method: req.method as 'GET', headers, body })
        .then(async (up) => {
          const answer = { status: up.statusCode, contentType: String(up.headers['content-type'] ?? 'application/json'), body: Buffer.from(await up.body.arrayBuffer()) };
          if (key !== null && answer.status === 200) answers.set(key, answer);
          res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length }).end(answer.body);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
}

async function main(): Promise<void> {
  const { upstreams } = JSON.parse(process.argv[2] ?? '{}') as { upstreams: string[] };
  const servers = upstreams.map(replaying);
  for (const s of servers) {
    s.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  }
  ready({ urls: servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`) }, async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });
}

void main();
