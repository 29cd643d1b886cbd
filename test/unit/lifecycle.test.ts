import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Lifecycle } from '../../src/lifecycle';

/** Enough of a response for the lifecycle middleware: 'close', headers, writeHead. */
function response(): ServerResponse & EventEmitter {
  const res = new EventEmitter() as ServerResponse & EventEmitter;
  Object.assign(res, { headersSent: false, setHeader: () => res, writeHead: () => res });
  return res;
}

const request = { url: '/graphql' } as IncomingMessage;

describe('Lifecycle', () => {
  it('waits for requests in flight, but not for one released (an SSE stream), and counts each once', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.ready();
    const step = lifecycle.middleware();
    const query = response();
    const stream = response();
    step(request, query, () => undefined);
    step(request, stream, () => undefined);
    expect(lifecycle.running).toBe(2);
    lifecycle.release(stream);
    lifecycle.release(stream);
    expect(lifecycle.running).toBe(1);
    lifecycle.stopping();
    let drained: boolean | null = null;
    const waiting = lifecycle.drained(5_000).then((d) => (drained = d));
    await new Promise((r) => setImmediate(r));
    expect(drained).toBeNull();
    // The released stream closing later does not count twice.
    stream.emit('close');
    expect(lifecycle.running).toBe(1);
    query.emit('close');
    await waiting;
    expect(drained).toBe(true);
    expect(lifecycle.running).toBe(0);
  });
});
