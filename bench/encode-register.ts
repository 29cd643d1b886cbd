/**
 * ENCODE registration (issue 8), each against a baseline measured in the same run:
 * - 200 biosamples with 20 ms added to every upstream request (a delaying proxy in front of the
 *   sandbox): the gateway's concurrent, link-ordered writes vs eu_register's loop of sequential
 *   POSTs; the records upstream must come out identical.
 * - `encodeRecord` of one id once the sandbox holds ~7,300 records: one GET vs the search the
 *   loader used to send for it.
 * - A dry run of 500 biosamples (target: under 1 s).
 */
import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Agent, request } from 'undici';
import { EncodeClient } from '../src/datasources/encode/client';
import { UpstreamPool } from '../src/datasources/http';
import { startGateway } from '../src/gateway';
import { ENCODE_SANDBOX_KEYS } from '../src/sandbox';
import { dataPath, packageRoot } from '../src/sandbox/shared/paths';
import { startStack, type Stack } from '../test/support/stack';
import { worstStallDuring } from '../test/support/stall';
import { BUILT_SANDBOX } from './support/built';
import { medianMs } from './support/timing';

const RECORDS = 200;
const DELAY_MS = 20;
const LAB = 'barbara-wold';
const AUTH = `Basic ${Buffer.from(`${ENCODE_SANDBOX_KEYS.submitter.id}:${ENCODE_SANDBOX_KEYS.submitter.secret}`).toString('base64')}`;

const biosample = (alias: string) => ({
  award: 'ENCODE2',
  lab: LAB,
  source: 'atcc',
  organism: 'human',
  biosample_ontology: 'cell_line_EFO_0001203',
  passage_number: 3,
  description: 'bench record',
  aliases: [`${LAB}:${alias}`],
});

/** The delaying proxy on its own process. */
async function proxyProcess(target: string, delayMs: number): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/delay-proxy.ts'], {
    cwd: packageRoot(),
    env: { ...process.env, TARGET: target, DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      const m = /listening (\d+)/.exec(String(c));
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`delay proxy exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => child.kill('SIGTERM') };
}

/** What a record holds that does not depend on when or by which request it was made. */
function comparable(record: Record<string, unknown>): Record<string, unknown> {
  const { uuid: _u, accession: _a, aliases: _al, '@id': _id, date_created: _d, submitted_by: _s, ...rest } = record;
  return rest;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sandbox on its own process (as the portal is on its own machine): its work does not share the gateway's thread. */
async function sandboxProcess(): Promise<{ encodeUrl: string; gdcUrl: string; stop(): void }> {
  const [encode, gdc, s3] = await Promise.all([freePort(), freePort(), freePort()]);
  const child = spawn(process.execPath, [BUILT_SANDBOX], {
    cwd: packageRoot(),
    env: { ...process.env, SANDBOX_SCHEMAS: 'real', SANDBOX_ENCODE_PORT: String(encode), SANDBOX_GDC_PORT: String(gdc), SANDBOX_S3_PORT: String(s3) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += String(c);
      if (out.includes('Press Ctrl-C')) resolve();
    });
    child.stderr!.on('data', (c) => (out += String(c)));
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}`)));
  });
  return { encodeUrl: `http://127.0.0.1:${encode}`, gdcUrl: `http://127.0.0.1:${gdc}`, stop: () => child.kill('SIGTERM') };
}

type SandboxProcess = Awaited<ReturnType<typeof sandboxProcess>>;

async function registrationRatio(sandbox: SandboxProcess): Promise<void> {
  const proxy = await proxyProcess(sandbox.encodeUrl, DELAY_MS);
  const { id: key, secret } = ENCODE_SANDBOX_KEYS.submitter;
  const gateway = await startGateway({
    encodeUrl: proxy.url,
    gdcUrl: sandbox.gdcUrl,
    sandbox: { encode: true, gdc: true },
    defaults: { encode: { key, secret }, gdcToken: null },
    logger: pino({ level: 'silent' }),
    maxUpstreamCalls: 1000,
  });
  const client = new Agent({ connections: 8 });
  // eu_register's run: one GET /profiles/, then one POST per record, each after the previous answered.
  const sequentialRun = async (round: number) => {
    await request(`${proxy.url}/profiles/?format=json`, { dispatcher: client }).then((r) => r.body.dump());
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const res = await request(`${proxy.url}/biosample`, {
        method: 'POST',
        dispatcher: client,
        headers: { authorization: AUTH, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(biosample(`bench-seq-${round}-${i}`)),
      });
      const body = (await res.body.json()) as { '@graph': Record<string, unknown>[] };
      if (res.statusCode !== 201) throw new Error(`baseline POST ${i}: ${res.statusCode} ${JSON.stringify(body)}`);
      records.push(body['@graph'][0]);
    }
    return records;
  };
  const query = 'mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e }) { createdCount errorCount entities { record } } }';
  const gatewayRun = async (round: number) => {
    const entities = Array.from({ length: RECORDS }, (_, i) => biosample(`bench-gw-${round}-${i}`));
    const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { e: entities } }) });
    const body = (await res.body.json()) as any;
    const result = body.data?.createEntities;
    if (!result || result.createdCount !== RECORDS) throw new Error(`gateway registration: ${JSON.stringify(body).slice(0, 500)}`);
    return result.entities.map((e: any) => e.record as Record<string, unknown>);
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const value = await fn();
    return [value, performance.now() - t];
  };
  try {
    // Rounds interleaved, medians compared: the machine may be shared.
    const seq: number[] = [];
    const gw: number[] = [];
    let identical = true;
    for (let round = 0; round < 3; round++) {
      const [a, seqMs] = await timed(() => sequentialRun(round));
      const [b, gwMs] = await timed(() => gatewayRun(round));
      seq.push(seqMs);
      gw.push(gwMs);
      identical &&= b.every((r: Record<string, unknown>, i: number) => JSON.stringify(comparable(r)) === JSON.stringify(comparable(a[i])));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1];
    const ratio = median(seq) / median(gw);
    console.log(`ENCODE registration: ${RECORDS} biosamples, ${DELAY_MS} ms added to every upstream request (baseline: eu_register's sequential POSTs, same run; median of 3 interleaved rounds)`);
    console.log(`  sequential ${median(seq).toFixed(0)} ms, gateway ${median(gw).toFixed(0)} ms: ${ratio.toFixed(1)}x faster (target >= 6x: ${ratio >= 6 ? 'met' : 'NOT MET'}); records identical upstream: ${identical ? 'yes' : 'NO'}`);
  } finally {
    await client.close();
    await gateway.stop();
    proxy.close();
  }
}

async function oneRecordRead(stack: Stack): Promise<void> {
  // Fill the sandbox to the size the issue measured (inserts + created ≈ 7,300 records).
  const portal = stack.sandbox.encode!.emulator.portal;
  const info = portal.profiles.get('biosample')!;
  const admin = { role: 'admin' as const, submitsFor: [] };
  for (let i = portal.store.all().length; i < 7300; i++) portal.create(info, biosample(`bench-fill-${i}`), admin, true);
  const target = portal.store.all().filter((item) => item.itemType === 'biosample').at(-1)!;
  const accession = String(target.properties.accession);
  // A gateway that has served any registration knows the profiles (and so accessions' collections).
  await stack.gql('mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", dryRun: true, entities: $e }) { success } }', { e: [biosample('bench-warm')] });
  const log = stack.sandbox.encode!.requests;
  log.reset();
  const read = () => stack.gql('query($id: ID!) { encodeRecord(id: $id) }', { id: accession });
  await read();
  const calls = log.entries.map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`);
  // The same two upstream reads at the HTTP level: the GET sent now, the search the loader sent before.
  const pool = new UpstreamPool('ENCODE', stack.sandbox.encode!.url, { timeoutMs: 30_000 });
  const api = new EncodeClient(pool, stack.sandbox.encode!.credentials);
  const tQuery = await medianMs(15, read);
  await api.profiles();
  const tGet = await medianMs(15, () => api.getRecord(accession));
  const tSearch = await medianMs(15, () => api.search({ type: 'Item', filters: [['accession', accession]], limit: 'all' }));
  await pool.close();
  console.log(`encodeRecord of one id, ${portal.store.all().length} records in the sandbox (baseline: the one-id search the loader sent before, same run)`);
  console.log(`  upstream requests now: ${calls.join(', ')}; gateway query ${tQuery.toFixed(1)} ms`);
  console.log(`  GET ${tGet.toFixed(1)} ms vs search ${tSearch.toFixed(1)} ms: ${(tSearch / tGet).toFixed(0)}x faster`);
}

async function dryRun500(sandbox: SandboxProcess): Promise<void> {
  const { id: key, secret } = ENCODE_SANDBOX_KEYS.submitter;
  const gateway = await startGateway({
    encodeUrl: sandbox.encodeUrl,
    gdcUrl: sandbox.gdcUrl,
    sandbox: { encode: true, gdc: true },
    defaults: { encode: { key, secret }, gdcToken: null },
    logger: pino({ level: 'silent' }),
  });
  const entities = Array.from({ length: 500 }, (_, i) => biosample(`bench-dry-${i}`));
  const query = 'mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", dryRun: true, entities: $e }) { success errorCount entities { index valid } } }';
  const run = async () => {
    const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { e: entities } }) });
    const body = (await res.body.json()) as any;
    if (!body.data?.createEntities?.success) throw new Error(`dry run: ${JSON.stringify(body).slice(0, 500)}`);
  };
  try {
    await run(); // profiles fetched and biosample compiled once, as on any gateway after its first request
    const times: number[] = [];
    let worst = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const { worstMs: stall } = await worstStallDuring(run);
      times.push(performance.now() - t);
      worst = Math.max(worst, stall);
    }
    const ms = times.sort((a, b) => a - b)[2];
    console.log('ENCODE dry run of 500 biosamples (sandbox in its own process; median of 5)');
    console.log(`  ${ms.toFixed(0)} ms (target < 1000 ms: ${ms < 1000 ? 'met' : 'NOT MET'}); longest event-loop stall ${worst.toFixed(0)} ms (target < 50 ms: ${worst < 50 ? 'met' : 'NOT MET'})`);
  } finally {
    await gateway.stop();
  }
}

export async function runEncodeRegister(): Promise<void> {
  const sandbox = await sandboxProcess();
  try {
    await registrationRatio(sandbox);
    await dryRun500(sandbox);
  } finally {
    sandbox.stop();
  }
  const stack = await startStack({ encodeProfiles: dataPath('encode', 'profiles') }, { maxUpstreamCalls: 1000 });
  try {
    await oneRecordRead(stack);
  } finally {
    await stack.stop();
  }
}
