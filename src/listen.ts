import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyRateRule } from './http/body-rate';

export interface ListenOptions {
  /**
   * A connection must send a complete request head within this time, or it is closed: this also
   * closes sockets that connect and send nothing (Node's own headersTimeout does not).
   */
  headersTimeoutMs?: number;
  /**
   * BODY_MIN_BYTES_PER_SECOND: a request body arriving slower than this, averaged over
   * `bodyRateWindowMs`, closes its connection (src/http/body-rate.ts). Once the body is in, the
   * answer may take as long as it needs. 0 = no rule.
   */
  bodyMinBytesPerSecond?: number;
  bodyRateWindowMs?: number;
  /**
   * `Expect: 100-continue` goes to the handler like any request, which sends 100 Continue itself
   * once it wants the body (the gateway's body reader, after auth and size checks, see
   * src/http/request-body.ts); a refusal is the final answer and the body is never sent. Off (Node
   * answers 100 at once) for handlers that do not (the sandbox's S3, whose SDK clients expect it).
   */
  deferContinue?: boolean;
}

export interface Listening {
  url: string;
  port: number;
  /** The Node server (for its WebSocket upgrades). */
  server: http.Server;
  /** Closes every connection at once, then the listener (tests, the sandbox). */
  close(): Promise<void>;
  /** Closes idle keep-alive connections (their clients reconnect and learn of the shutdown); busy ones go on. */
  closeIdle(): void;
}

const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
const DEFAULT_BODY_MIN_BYTES_PER_SECOND = 1024;
const DEFAULT_BODY_RATE_WINDOW_MS = 10_000;

function hasBody(req: http.IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
}

/** Serves a request handler on loopback by default; port 0 picks a free port (tests run in parallel). */
export function listen(handler: http.RequestListener, port = 0, host = '127.0.0.1', options: ListenOptions = {}): Promise<Listening> {
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const rate = new BodyRateRule({
    minBytesPerSecond: options.bodyMinBytesPerSecond ?? DEFAULT_BODY_MIN_BYTES_PER_SECOND,
    windowMs: options.bodyRateWindowMs ?? DEFAULT_BODY_RATE_WINDOW_MS,
  });
  const server = http.createServer(
    // requestTimeout 0: a data file upload (uploadFile) is one request that may take hours, which
    // Node's default would cut at 5 minutes; the head must still arrive within headersTimeout.
    { headersTimeout: headersTimeoutMs, requestTimeout: 0, connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs) },
    handler,
  );
  if (options.deferContinue) server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => server.emit('request', req, res));
  // Keep-alive sockets from the gateway's pools must not hold close() open.
  server.keepAliveTimeout = 5_000;
  // One 'timeout' listener per socket; requests only change the delay (a callback given to
  // setTimeout is a new listener each time, which on a keep-alive socket kept every request alive).
  server.on('connection', (socket) => {
    socket.setTimeout(headersTimeoutMs);
    socket.on('timeout', () => socket.destroy());
  });
  // From the first request on, no idle timer: a body is held to the minimum rate while it
  // arrives, then the answer may take its time (a long registration waits on the upstream in
  // silence); keep-alive is Node's own timeout.
  server.on('request', (req: http.IncomingMessage) => {
    req.socket.setTimeout(0);
    if (hasBody(req) && !req.complete) rate.watch(req);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${addr.port}`,
        port: addr.port,
        server,
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
