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
