import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListenOptions {
  /**
   * A connection must send a complete request head within this time, or it is closed: this also
   * closes sockets that connect and send nothing (Node's own headersTimeout does not).
   */
  headersTimeoutMs?: number;
  /**
   * While a request body is arriving, a connection that sends nothing for this long is closed (a
   * stalled or trickling upload). Once the body is in, the answer may take as long as it needs.
   */
  bodyIdleTimeoutMs?: number;
}

export interface Listening {
  url: string;
  port: number;
  /** Closes every connection at once, then the listener (tests, the sandbox). */
  close(): Promise<void>;
  /** Closes idle keep-alive connections (their clients reconnect and learn of the shutdown); busy ones go on. */
  closeIdle(): void;
}

const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
const DEFAULT_BODY_IDLE_TIMEOUT_MS = 300_000;

/** Serves a request handler on loopback by default; port 0 picks a free port (tests run in parallel). */
export function listen(handler: http.RequestListener, port = 0, host = '127.0.0.1', options: ListenOptions = {}): Promise<Listening> {
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const bodyIdleTimeoutMs = options.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS;
  const server = http.createServer(
    // requestTimeout 0: a data file upload (uploadFile) is one request that may take hours, which
    // Node's default would cut at 5 minutes; the head must still arrive within headersTimeout.
    { headersTimeout: headersTimeoutMs, requestTimeout: 0, connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs) },
    handler,
  );
  // Keep-alive sockets from the gateway's pools must not hold close() open.
  server.keepAliveTimeout = 5_000;
  // One 'timeout' listener per socket; requests only change the delay (a callback given to
  // setTimeout is a new listener each time, which on a keep-alive socket kept every request alive).
  server.on('connection', (socket) => {
    socket.setTimeout(headersTimeoutMs);
    socket.on('timeout', () => socket.destroy());
  });
  // From the first request on: an idle limit only while its body arrives, then none (a long
  // registration waits on the upstream in silence); keep-alive is Node's own timeout.
  server.on('request', (req: http.IncomingMessage) => {
    const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.complete) return void req.socket.setTimeout(0);
    req.socket.setTimeout(bodyIdleTimeoutMs);
    req.once('end', () => req.socket.setTimeout(0));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${addr.port}`,
        port: addr.port,
        closeIdle: () => server.closeIdleConnections(),
        close: () =>
          new Promise<void>((res, rej) => {
            server.close((err) => (err ? rej(err) : res()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
