import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a request handler on loopback; port 0 picks a free port (tests run in parallel). */
export function listen(handler: http.RequestListener, port = 0, host = '127.0.0.1'): Promise<Listening> {
  const server = http.createServer(handler);
  // Keep-alive sockets from the gateway's pools must not hold close() open.
  server.keepAliveTimeout = 5_000;
  // A data file upload is one request that may take hours (uploadFile); Node's default cuts any
  // request at 5 minutes. Headers still must arrive within headersTimeout.
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise<void>((res, rej) => {
            server.closeAllConnections();
            server.close((err) => (err ? rej(err) : res()));
          }),
      });
    });
  });
}
