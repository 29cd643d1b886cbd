import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { ready } from './child';

/**
 * The thinnest proxy there is: a bare node:http server that makes the same upstream GET for each
 * request (same path, same credential, same connection pool size as the gateway) and streams the
 * upstream's body back. The baseline a gateway's throughput is compared with.
 */
async function main(): Promise<void> {
  const { upstream, authorization } = JSON.parse(process.argv[2] ?? '{}') as { upstream: string; authorization: string };
  const agent = new Agent({ connections: 32, keepAliveTimeout: 4_000 });
  const server = http.createServer((req, res) => {
    request(`${upstream}${req.url}`, { dispatcher: agent, headers: { authorization, accept: 'application/json' } })
      .then((up) => {
        res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
        return pipeline(up.body, res);
      })
      .catch(() => {
        res.statusCode = 502;
        res.end();
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
  });
}

void main();
