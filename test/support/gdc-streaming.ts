/**
 * Large GDC documents: a 200 MB TSV (or JSON) `file` through the gateway to a GDC endpoint,
 * measuring the gateway process's peak RSS and how long other callers wait meanwhile, with two
 * baselines from the same run: the idle gateway's latency, and the same bytes sent straight to the
 * endpoint (curl --data-binary, a thin proxy's best case). Used by bench/ and test/measure/.
 */
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FormData, request } from 'undici';
import { startGdcSink } from './gdc-sink';
import { startGatewayProcess } from './gateway-process';
import { startProber } from './prober';

export interface StreamingFigures {
  format: 'tsv' | 'json';
  bytes: number;
  entities: number;
  /** Entities the gateway reported created (must equal `entities`). */
  created: number;
  success: boolean;
  idleRssMb: number;
  peakRssMb: number;
  gatewaySeconds: number;
  directSeconds: number;
  /** Other callers' requests (a small GraphQL query every 10 ms) during the upload. */
  probes: number;
  maxProbeMs: number;
  p99ProbeMs: number;
  /** The same probes on the idle gateway just before: what the machine allows at all. */
  idleP99ProbeMs: number;
  /** The gateway's own event-loop delay during the upload (monitorEventLoopDelay, from /metrics). */
  eventLoopMaxMs: number;
  eventLoopP99Ms: number;
}

function percentiles(ms: number[]): { max: number; p99: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { max: sorted[sorted.length - 1] ?? NaN, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN };
}

/** The gateway's event-loop delay since the last scrape (prom-client resets it on each). */
async function eventLoopLag(graphqlUrl: string): Promise<{ maxMs: number; p99Ms: number }> {
  const res = await request(graphqlUrl.replace(/graphql$/, 'metrics'));
  const text = await res.body.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { maxMs: value('nodejs_eventloop_lag_max_seconds'), p99Ms: value('nodejs_eventloop_lag_p99_seconds') };
}

const ROW_BYTES = 1000;

/** Writes a TSV (or JSON array) of cases of about `bytes` bytes, ~1 KB per entity. */
async function writeDocument(file: string, bytes: number, format: 'tsv' | 'json'): Promise<number> {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  // 1,000 bytes an entity: the fixed part of a TSV row is 63 bytes, of a JSON one 165.
  const filler = 'x'.repeat(ROW_BYTES - (format === 'tsv' ? 63 : 165));
  const rows = Math.floor(bytes / ROW_BYTES);
  if (format === 'tsv') await write('type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\tstate_comment\n');
  else await write('[');
  for (let i = 0; i < rows; i++) {
    const id = `BIG-${String(i).padStart(8, '0')}`;
    if (format === 'tsv') await write(`case\t${id}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue\t${filler}\n`);
    else await write(`${i ? ',' : ''}\n{"type":"case","submitter_id":"${id}","projects":{"code":"INTERNAL"},"disease_type":"Blood Vessel Tumors","primary_site":"Base of tongue","state_comment":"${filler}"}`);
  }
  if (format === 'json') await write(']\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return rows;
}

const CREATE = `mutation($input: CreateEntitiesInput!) { createEntities(input: $input) { success message createdCount errorCount upstreamStatus } }`;

export async function measureStreaming(options: { bytes?: number; format?: 'tsv' | 'json' } = {}): Promise<StreamingFigures> {
  const bytes = options.bytes ?? 200_000_000;
  const format = options.format ?? 'tsv';
  const dir = await mkdtemp(path.join(tmpdir(), 'gdc-streaming-'));
  const file = path.join(dir, `cases.${format}`);
  const sink = await startGdcSink();
  const gateway = await startGatewayProcess({
    GDC_URL: sink.url,
    ENCODE_URL: sink.url, // never called here; set so no ENCODE sandbox starts in the measured process
    GDC_TOKEN: 'bench-token',
    MAX_UPLOAD_BYTES: String(bytes + 10_000_000),
  });
  try {
    const entities = await writeDocument(file, bytes, format);
    const size = (await openAsBlob(file)).size;
    const idleRssMb = gateway.memory().rssMb;

    // Other callers: one small query at a time, every 10 ms, from another process: first for 2 s
    // on the idle gateway (the baseline the machine allows), then for as long as the upload runs.
    const idleProber = startProber(gateway.graphqlUrl, 10);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = percentiles(await idleProber.stop());
    const prober = startProber(gateway.graphqlUrl, 10);
    await new Promise((r) => setTimeout(r, 200));
    await eventLoopLag(gateway.graphqlUrl);

    const form = new FormData();
    form.append('operations', JSON.stringify({ query: CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', await openAsBlob(file), path.basename(file));
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(Math.round(gateway.memory().rssMb)), 100);
    let t = performance.now();
    const res = await request(gateway.graphqlUrl, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' }, headersTimeout: 600_000, bodyTimeout: 600_000 });
    const body = (await res.body.json()) as { data?: { createEntities: { success: boolean; createdCount: number; message: string } }; errors?: unknown[] };
    const gatewaySeconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    const lag = await eventLoopLag(gateway.graphqlUrl);
    const latencies = await prober.stop();
    if (!body.data) throw new Error(`the gateway answered ${JSON.stringify(body.errors)}`);
    const { peakMb } = gateway.memory();
    if (process.env.MEASURE_TRACE) console.log('rss samples', samples.join(' '));

    t = performance.now();
    const direct = await request(`${sink.url}/v0/submission/GDC/INTERNAL`, {
      method: 'POST',
      body: createReadStream(file),
      headers: { 'content-type': format === 'tsv' ? 'text/tab-separated-values' : 'application/json' },
      headersTimeout: 600_000,
      bodyTimeout: 600_000,
    });
    await direct.body.text();
    const directSeconds = (performance.now() - t) / 1000;

    const during = percentiles(latencies);
    return {
      format,
      bytes: size,
      entities,
      created: body.data.createEntities.createdCount,
      success: body.data.createEntities.success,
      idleRssMb,
      peakRssMb: peakMb,
      gatewaySeconds,
      directSeconds,
      probes: latencies.length,
      maxProbeMs: during.max,
      p99ProbeMs: during.p99,
      idleP99ProbeMs: idle.p99,
      eventLoopMaxMs: lag.maxMs,
      eventLoopP99Ms: lag.p99Ms,
    };
  } finally {
    await gateway.stop();
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}
