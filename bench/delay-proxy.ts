/**
 * A proxy that holds every request `DELAY_MS` before passing it on to `TARGET`: what a distant
 * portal costs per request. Run on its own process (`node --import tsx bench/delay-proxy.ts`), so
 * its work is nobody's thread but its own; prints `listening <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export function delayingProxy(target: string, delayMs: number): http.Server {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return http.createServer((req, res) => {
    setTimeout(() => {
      const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }, delayMs);
  });
}

if (require.main === module) {
  const server = delayingProxy(String(process.env.TARGET), Number(process.env.DELAY_MS ?? 20));
  server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => process.exit(0));
}
