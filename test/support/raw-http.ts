import net from 'node:net';

/** What a raw HTTP/1.1 exchange showed on the wire. */
export interface RawExchange {
  /** Everything the server sent (latin1). */
  text: string;
  /** The first final status (100 Continue is not one), 0 if none came. */
  status: number;
  /** The last answer's body, parsed, when it is JSON. */
  json: any;
  /** The server closed the connection before `waitMs` passed. */
  closed: boolean;
  /** From connect to close (or to `waitMs`). */
  ms: number;
}

/**
 * Sends a request head and the given body chunks on a fresh socket, each `intervalMs` apart
 * (a trickle), and reads until the server closes or `waitMs` passes. Tests of what the gateway does
 * on the wire (Connection: close, 100 Continue, a body never read) need a socket, not a client
 * library that hides them.
 */
export function rawExchange(url: string, head: string, body: (string | Buffer)[] = [], options: { waitMs?: number; intervalMs?: number } = {}): Promise<RawExchange> {
  const { port, hostname } = new URL(url);
  const waitMs = options.waitMs ?? 2_000;
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    const started = Date.now();
    let text = '';
    let closed = false;
    let trickle: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      if (!options.intervalMs) return body.forEach((chunk) => socket.write(chunk));
      let i = 0;
      trickle = setInterval(() => {
        if (i >= body.length || socket.destroyed) return clearInterval(trickle);
        socket.write(body[i++]);
      }, options.intervalMs);
    });
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const done = () => {
      clearInterval(trickle);
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/HTTP\/1\.1 ([2-5]\d\d) /.exec(text)?.[1] ?? 0);
      let json: unknown;
      try {
        json = JSON.parse(text.slice(text.lastIndexOf('\r\n\r\n') + 4));
      } catch {
        json = undefined;
      }
      resolve({ text, status, json, closed, ms: Date.now() - started });
    };
    socket.on('close', () => {
      closed = true;
      done();
    });
    const timer = setTimeout(done, waitMs);
  });
}

/** A POST /graphql head with these headers (Host: the gateway's own unless given). */
export function postHead(url: string, headers: Record<string, string | number>, path = '/graphql'): string {
  const all: Record<string, string | number> = { host: new URL(url).host, ...headers };
  return `POST ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}
