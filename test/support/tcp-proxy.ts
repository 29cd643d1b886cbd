import net from 'node:net';

/**
 * A small round-robin TCP load balancer in front of several gateways, as an operator's HAProxy or
 * nginx stream proxy would be: each new connection goes to the next backend. Callers that want
 * each request on the next instance open a connection per request (undici `reset: true`).
 */
export interface RoundRobinProxy {
  url: string;
  /** How many connections each backend got, in the order given. */
  connections: number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: { host: string; port: number }[]): Promise<RoundRobinProxy> {
  const connections = backends.map(() => 0);
  const sockets = new Set<net.Socket>();
  let next = 0;
  const server = net.createServer((client) => {
    const i = next++ % backends.length;
    connections[i]++;
    const upstream = net.connect(backends[i].port, backends[i].host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    // A backend that is gone (killed) ends the caller's connection, as a TCP balancer does.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** host and port of a gateway's URL, for startRoundRobinProxy. */
export function backendOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}
