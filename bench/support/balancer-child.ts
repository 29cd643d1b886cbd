import { startRoundRobinProxy } from '../../test/support/tcp-proxy';
import { ready } from './child';

/**
 * The round-robin TCP balancer of the process tests (test/support/tcp-proxy.ts) in a process of
 * its own, so that the bytes it pipes do not share an event loop with the load generator.
 */
async function main(): Promise<void> {
  const { backends } = JSON.parse(process.argv[2] ?? '{}') as { backends: { host: string; port: number }[] };
  const proxy = await startRoundRobinProxy(backends);
  ready({ url: proxy.url }, proxy.close);
}

void main();
