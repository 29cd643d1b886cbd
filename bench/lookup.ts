/**
 * Issue 13's lookup goals, measured as the issue asks: one `encodeRecord` lookup through the
 * gateway against the thinnest possible proxy (bench/support/proxy-child.ts: a node:http
 * keep-alive server making the same upstream GET), every process on this machine, the upstream's
 * answers memoised (bench/support/replay-child.ts) so that only the gateway's and the proxy's own
 * work is measured.
 * 1. Added latency at concurrency 1, over the same GET made directly, interleaved:
 *    goal: the gateway's within 0.5 ms of the proxy's.
 * 2. Throughput at 50 connections: goal >= 80% of the proxy's requests/s.
 */
import autocannon from 'autocannon';
import pino from 'pino';
import { Pool, request } from 'undici';
import { startGateway } from '../src/gateway';
import { type RunningSandbox, startSandbox } from '../src/sandbox';
import { gatewayOptionsOn } from '../test/support/stack';
import { type Child, startChild, startGatewayChild } from './support/child';
import { processCpuMs } from './support/cpu';
import { interleavedMs, percentile } from './support/timing';

const RECORD = '/labs/sandbox-lab/';
const LOOKUP = JSON.stringify({ query: `query Lab { encodeRecord(id: "${RECORD}") }`, operationName: 'Lab' });
const LATENCY_ROUNDS = 3000;
const WARM_UP_ROUNDS = 300;

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

export async function runLookup(): Promise<void> {
  // In this process: after its first answer for each GET the replay serves it, so the sandbox is idle while measured.
  const sandbox = await startSandbox({});
  const children: Child<unknown>[] = [];
  try {
    const replay = await startChild<{ urls: string[] }>('replay-child.ts', { upstreams: [sandbox.encode!.url, sandbox.gdc!.url] });
    children.push(replay);
    const [encodeUrl, gdcUrl] = replay.info.urls;
    const options = { encodeUrl, gdcUrl, sandbox: { encode: true, gdc: true }, defaults: { encode: sandbox.encode!.credentials, gdcToken: sandbox.gdc!.token } };
    const path = await upstreamGetOf(sandbox);
    const { key, secret } = sandbox.encode!.credentials;
    const authorization = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    // BENCH_NODE_FLAGS: e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile the gateway during the runs.
    const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const gateway = await startGatewayChild(options, flags);
    children.push(gateway);
    const proxy = await startChild<{ url: string }>('proxy-child.ts', { upstream: encodeUrl, authorization });
    children.push(proxy);

    console.log(`\nlookup (issue 13): encodeRecord through the gateway vs a bare node:http proxy making the same upstream GET (${path}); upstream answers memoised; each in its own process`);
    await latency(gateway.info.graphqlUrl, `${proxy.info.url}${path}`, `${encodeUrl}${path}`, authorization);
    await throughput(gateway, proxy, `${proxy.info.url}${path}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await sandbox.stop();
  }
}

/** The one upstream GET the gateway makes for the lookup, from the sandbox's request log. */
async function upstreamGetOf(sandbox: RunningSandbox): Promise<string> {
  const gateway = await startGateway({ ...gatewayOptionsOn(sandbox), logger: pino({ level: 'silent' }) });
  try {
    sandbox.encode!.requests.reset();
    const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: LOOKUP });
    const text = await res.body.text();
    if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`lookup failed: ${res.statusCode} ${text.slice(0, 200)}`);
    const seen = sandbox.encode!.requests.entries;
    if (seen.length !== 1 || seen[0].method !== 'GET') throw new Error(`expected one upstream GET per lookup, saw: ${seen.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    return seen[0].query ? `${seen[0].path}?${seen[0].query}` : seen[0].path;
  } finally {
    await gateway.stop();
  }
}

async function latency(graphqlUrl: string, proxied: string, direct: string, authorization: string): Promise<void> {
  const gateway = new Pool(new URL(graphqlUrl).origin, { connections: 1 });
  const proxy = new Pool(new URL(proxied).origin, { connections: 1 });
  const upstream = new Pool(new URL(direct).origin, { connections: 1 });
  const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
  const read = async (res: Awaited<ReturnType<Pool['request']>>) => {
    const text = await res.body.text();
    if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`lookup failed: ${res.statusCode} ${text.slice(0, 200)}`);
  };
  const kinds = {
    gateway: async () => read(await gateway.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: LOOKUP })),
    proxy: async () => read(await proxy.request({ method: 'GET', path: pathOf(proxied) })),
    direct: async () => read(await upstream.request({ method: 'GET', path: pathOf(direct), headers: { authorization, accept: 'application/json' } })),
  };
  await interleavedMs(WARM_UP_ROUNDS, kinds);
  const times = await interleavedMs(LATENCY_ROUNDS, kinds);
  await Promise.all([gateway.close(), proxy.close(), upstream.close()]);
  const direct50 = percentile(times.direct, 0.5);
  const gatewayAdded = percentile(times.gateway, 0.5) - direct50;
  const proxyAdded = percentile(times.proxy, 0.5) - direct50;
  const gap = gatewayAdded - proxyAdded;
  console.log(`  latency, concurrency 1 (${LATENCY_ROUNDS} of each, interleaved): direct p50 ${direct50.toFixed(3)} ms`);
  console.log(
    `    gateway adds ${gatewayAdded.toFixed(3)} ms, the proxy ${proxyAdded.toFixed(3)} ms: ${gap.toFixed(3)} ms more (goal <= 0.5 ms) ${verdict(gap <= 0.5)}`,
  );
}

async function throughput(gateway: Child<{ graphqlUrl: string }>, proxy: Child<{ url: string }>, proxied: string): Promise<void> {
  const run = (url: string, init: Partial<autocannon.Options> = {}) => autocannon({ url, connections: 50, duration: 8, ...init });
  const lookup = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: LOOKUP };
  await run(proxied, { duration: 2 });
  await run(gateway.info.graphqlUrl, { ...lookup, duration: 2 });
  const cpu = () => ({ proxy: processCpuMs(proxy.pid), gateway: processCpuMs(gateway.pid) });
  const c0 = cpu();
  const bare = await run(proxied);
  const c1 = cpu();
  const typed = await run(gateway.info.graphqlUrl, lookup);
  const c2 = cpu();
  const per = (a: number | null, b: number | null, n: number) => (a === null || b === null ? 'n/a' : `${(((b - a) * 1000) / n).toFixed(0)} µs`);
  const errors = typed.errors + typed.non2xx + bare.errors + bare.non2xx;
  const ratio = typed.requests.average / bare.requests.average;
  console.log(
    `  throughput, 50 connections, 8 s each: gateway ${typed.requests.average.toFixed(0)} req/s (p50 ${typed.latency.p50} ms)   proxy ${bare.requests.average.toFixed(0)} req/s (p50 ${bare.latency.p50} ms)` +
      `   ratio ${(ratio * 100).toFixed(0)}% (goal >= 80%) ${verdict(ratio >= 0.8 && errors === 0)}${errors ? `, ${errors} failed requests` : ''}`,
  );
  console.log(`    CPU per request: gateway ${per(c1.gateway, c2.gateway, typed.requests.total)}   proxy ${per(c0.proxy, c1.proxy, bare.requests.total)}`);
}
