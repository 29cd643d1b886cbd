import { Client } from 'undici';
import { listen, type Listening } from '../../src/listen';

describe('listen: time limits on keep-alive connections', () => {
  let server: Listening;
  afterEach(() => server.close());

  it('adds no timeout listener per request with a body on a keep-alive connection', async () => {
    // The handler answers how many 'timeout' listeners its socket has once the body is in.
    server = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.end(String(req.socket.listenerCount('timeout'))));
    });
    const client = new Client(server.url, { pipelining: 1 });
    try {
      const counts: string[] = [];
      for (let i = 0; i < 15; i++) {
        const res = await client.request({ path: '/', method: 'POST', body: `request ${i}` });
        counts.push(await res.body.text());
      }
      // Node's server has a listener of its own; the gateway's is the one added at connection.
      expect(counts).toEqual(Array(15).fill(counts[0]));
    } finally {
      await client.close();
    }
  });
});

describe('listen: the minimum body rate judges the client, not the handler', () => {
  let server: Listening;
  afterEach(() => server.close());
  const rate = { bodyMinBytesPerSecond: 1024, bodyRateWindowMs: 1_000 };

  it('answers a small body that came at once, read by its handler only after more than a window', async () => {
    // The body (under the stream's 16 KiB: the socket is never paused) is in before the handler
    // looks at it, 2.5 s later (a handler waiting on something else first).
    server = await listen((req, res) => {
      setTimeout(() => {
        let bytes = 0;
        req.on('data', (chunk: Buffer) => (bytes += chunk.length));
        req.on('end', () => res.end(`read ${bytes} bytes`));
      }, 2_500);
    }, 0, '127.0.0.1', rate);
    const client = new Client(server.url);
    try {
      const res = await client.request({ path: '/', method: 'POST', body: 'x'.repeat(9_000) });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('read 9000 bytes');
    } finally {
      await client.close();
    }
  });

  it('still closes the connection of a body that stops coming', async () => {
    server = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.end('unexpected'));
    }, 0, '127.0.0.1', rate);
    const started = Date.now();
    const net = await import('node:net');
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial":'));
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 5_000).unref();
    });
    // One 1-second window, checked each second: closed between 1 and 2.5 s.
    expect(closedAfter).toBeGreaterThanOrEqual(1_000);
    expect(closedAfter).toBeLessThan(2_500);
  });
});
