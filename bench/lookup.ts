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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import pino from 'pino';
import { Pool, request } from 'undici';
import { startGateway } from '../src/gateway';
import { type Child, startChild } from './support/child';
import { processCpuMs } from './support/cpu';

const RECORD = '/labs/sandbox-lab/';
const LOOKUP = JSON.stringify({ query: `query Lab { encodeRecord(id: "${RECORD}") }`, operationName: 'Lab' });
const LATENCY_ROUNDS = 3000;

type SandboxInfo = { encodeUrl: string; gdcUrl: string; encode: { key: string; secret: string }; gdcToken: string };

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

export async function runLookup(): Promise<void> {
  const children: Child<unknown>[] = [];
  try {
    const sandbox = await startChild<SandboxInfo>('sandbox-child.ts', {});
    children.push(sandbox);
    const s = sandbox.info;
    const replay = await startChild<{ urls: string[] }>('replay-child.ts', { upstreams: [s.encodeUrl, s.gdcUrl] });
    children.push(replay);
    const [encodeUrl, gdcUrl] = replay.info.urls;
    const options = { encodeUrl, gdcUrl, sandbox: { encode: true, gdc: true }, defaults: { encode: s.encode, gdcToken: s.gdcToken } };
    const path = await upstreamGetOf(options);
    const authorization = `Basic ${Buffer.from(`${s.encode.key}:${s.encode.secret}`).toString('base64')}`;
    // BENCH_NODE_FLAGS: e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile the gateway during the runs.
    const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const gateway = await startChild<{ graphqlUrl: string }>('gateway-child.ts', options, flags);
    children.push(gateway);
    const proxy = await startChild<{ url: string }>('proxy-child.ts', { upstream: encodeUrl, authorization });
    children.push(proxy);

    console.log(`\nlookup (issue 13): encodeRecord through the gateway vs a bare node:http proxy making the same upstream GET (${path}); upstream answers memoised; each in its own process`);
    await latency(gateway.info.graphqlUrl, `${proxy.info.url}${path}`, `${encodeUrl}${path}`, authorization);
    await throughput(gateway, proxy, `${proxy.info.url}${path}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

/** The one upstream GET the gateway makes for the lookup, seen at a recorder in front of the upstream. */
async function upstreamGetOf(options: { encodeUrl: string; gdcUrl: string; sandbox: { encode: boolean; gdc: boolean }; defaults: { encode: { key: string; secret: string }; gdcToken: string } }): Promise<string> {
  let recording = false;
  const seen: string[] = [];
  const target = new URL(options.encodeUrl);
  const recorder = http.createServer((req, res) => {
    if (recording) seen.push(`${req.method} ${req.url}`);
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const gateway = await startGateway({ ...options, encodeUrl: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`, logger: pino({ level: 'silent' }) });
  try {
    recording = true;
    const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: LOOKUP });
    const text = await res.body.text();
    if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`lookup failed: ${res.statusCode} ${text.slice(0, 200)}`);
    if (seen.length !== 1 || !seen[0].startsWith('GET ')) throw new Error(`expected one upstream GET per lookup, saw: ${seen.join(', ')}`);
    return seen[0].slice('GET '.length);
  } finally {
    await gateway.stop();
    await new Promise((resolve) => recorder.close(resolve));
  }
}

async function latency(graphqlUrl: string, proxied: string, direct: string, authorization: string): Promise<void> {
  const gateway = new Pool(new URL(graphqlUrl).origin, { connections: 1 });
  const proxy = new Pool(new URL(proxied).origin, { connections: 1 });
  const upstream = new Pool(new URL(direct).origin, { connections: 1 });
  const read = async (res: Awaited<ReturnType<Pool['request']>>) => {
    const text = await res.body.text();
    if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`lookup failed: ${res.statusCode} ${text.slice(0, 200)}`);
  };
  const kinds = {
    gateway: async () => read(await gateway.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: LOOKUP })),
    proxy: async () => read(await proxy.request({ method: 'GET', path: new URL(proxied).pathname + new URL(proxied).search })),
    direct: async () => read(await upstream.request({ method: 'GET', path: new URL(direct).pathname + new URL(direct).search, headers: { authorization, accept: 'application/json' } })),
  };
  const times: Record<keyof typeof kinds, number[]> = { gateway: [], proxy: [], direct: [] };
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  for (let i = 0; i < LATENCY_ROUNDS + 300; i++) {
    // The order turns each round, so none always follows another.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const started = performance.now();
      await kinds[name]();
      if (i >= 300) times[name].push(performance.now() - started);
    }
  }
  await Promise.all([gateway.close(), proxy.close(), upstream.close()]);
  const direct50 = p50(times.direct);
  const gatewayAdded = p50(times.gateway) - direct50;
  const proxyAdded = p50(times.proxy) - direct50;
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
