import http from 'node:http';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * TRUST_PROXY (issue 17, rate limits keyed by client address): behind a proxy the gateway trusts,
 * each client's X-Forwarded-For address is its own rate-limit bucket and access-log address; from
 * a peer it does not trust, a forged X-Forwarded-For changes nothing (the peer's address counts).
 * Loopback gives two peers: 127.0.0.1 plays the trusted proxy, 127.0.0.2 an untrusted caller.
 */
const REQUESTS = 2;
let sandbox: RunningSandbox;
let gw: (RunningProcess & { url: string }) | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ encode: false, gdc: true });
  gw = await startGatewayProcess({
    NODE_ENV: 'production',
    ENCODE_URL: sandbox.gdc!.url,
    GDC_URL: sandbox.gdc!.url,
    RATE_LIMIT_REQUESTS: String(REQUESTS),
    RATE_LIMIT_WINDOW_SECONDS: '300',
    TRUST_PROXY: '127.0.0.1',
  });
}, 120_000);
afterAll(async () => {
  kill(gw);
  await gw?.exited;
  await sandbox?.stop();
});

/** One anonymous request (no credentials: the address is the rate-limit key) from `from`, forwarded for `forwardedFor`. */
function ask(from: string, forwardedFor: string, requestId: string): Promise<number> {
  const { port } = new URL(gw!.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/graphql', agent: false, headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor, 'x-request-id': requestId } },
      (res) => res.resume().on('end', () => resolve(res.statusCode!)),
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ gatewayInfo { version } }' }));
  });
}

const loggedAddress = async (requestId: string) => ((await gw!.waitForLog((l) => (l.req as { id?: string } | undefined)?.id === requestId)).req as { remoteAddress: string }).remoteAddress;

it('two clients behind the trusted proxy get a bucket each, named in the access log', async () => {
  const statuses = [];
  for (let i = 0; i <= REQUESTS; i++) statuses.push(await ask('127.0.0.1', `192.0.2.50, 203.0.113.1`, `proxied-a-${i}`));
  expect(statuses).toEqual([200, 200, 429]);
  // Another client through the same proxy: its own bucket.
  expect(await ask('127.0.0.1', '203.0.113.2', 'proxied-b-0')).toBe(200);
  // The nearest untrusted hop is the client; what it prepended (192.0.2.50) is not believed.
  expect(await loggedAddress('proxied-a-0')).toBe('203.0.113.1');
  expect(await loggedAddress('proxied-b-0')).toBe('203.0.113.2');
});

it('a forged X-Forwarded-For from an untrusted peer changes nothing: its own address counts', async () => {
  const statuses = [];
  for (let i = 0; i <= REQUESTS; i++) statuses.push(await ask('127.0.0.2', `198.51.100.${i}`, `forged-${i}`));
  expect(statuses).toEqual([200, 200, 429]);
  expect(await loggedAddress('forged-0')).toBe('127.0.0.2');
});
