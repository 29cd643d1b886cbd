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
import { type Probe, startControlServer, startProber } from './prober';

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
  /** CPU time the gateway process used for the upload (all its threads): what it takes from other work. */
  gatewayCpuSeconds: number;
  directSeconds: number;
  /** Other callers' requests (a small GraphQL query every 10 ms) sent during the upload. */
  probes: number;
  maxProbeMs: number;
  p99ProbeMs: number;
  /** The same probes on the idle gateway just before: what the machine allows at all. */
  idleP99ProbeMs: number;
  /**
   * An idle server in its own process, probed the same way during the upload: what the machine
   * allowed at that moment (other work on it, and the measuring process's own sending).
   */
  controlP99ProbeMs: number;
  /**
   * The probes by what the gateway was doing when they were sent: receiving the upload (spool),
   * sending it to GDC (send), reading GDC's answer (answer), then shaping and sending its own.
   */
  byPhase: Record<'spool' | 'send' | 'answer' | 'result', { probes: number; p99Ms: number; maxMs: number }>;
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
  const control = await startControlServer();
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
    // on the idle gateway (the baseline the machine allows), then for as long as the upload runs,
    // beside the same probes of an idle control server (what the machine allows meanwhile).
    const idleProber = startProber(gateway.graphqlUrl, 10);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = percentiles((await idleProber.stop()).map((p) => p.ms));
    const prober = startProber(gateway.graphqlUrl, 10);
    const controlProber = startProber(control.url, 10);
    await new Promise((r) => setTimeout(r, 200));
    await eventLoopLag(gateway.graphqlUrl);

    const form = new FormData();
    form.append('operations', JSON.stringify({ query: CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', await openAsBlob(file), path.basename(file));
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(Math.round(gateway.memory().rssMb)), 100);
    const cpuBefore = gateway.cpuSeconds();
    const started = Date.now();
    let t = performance.now();
    const res = await request(gateway.graphqlUrl, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' }, headersTimeout: 600_000, bodyTimeout: 600_000 });
    const body = (await res.body.json()) as { data?: { createEntities: { success: boolean; createdCount: number; message: string } }; errors?: unknown[] };
    const gatewaySeconds = (performance.now() - t) / 1000;
    const gatewayCpuSeconds = gateway.cpuSeconds() - cpuBefore;
    const ended = Date.now();
    clearInterval(sampler);
    const lag = await eventLoopLag(gateway.graphqlUrl);
    const during = (probes: Probe[]) => probes.filter((p) => p.at >= started && p.at < ended);
    const [probes, controlProbes] = [during(await prober.stop()), during(await controlProber.stop())];
    const timeline = sink.timeline;
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

    const all = percentiles(probes.map((p) => p.ms));
    const phase = (from: number, to: number) => {
      const inPhase = probes.filter((p) => p.at >= from && p.at < to).map((p) => p.ms);
      const { p99, max } = percentiles(inPhase);
      return { probes: inPhase.length, p99Ms: p99, maxMs: max };
    };
    const [received, answering, answered] = [timeline?.received ?? ended, timeline?.answering ?? ended, timeline?.answered ?? ended];
    return {
      format,
      bytes: size,
      entities,
      created: body.data.createEntities.createdCount,
      success: body.data.createEntities.success,
      idleRssMb,
      peakRssMb: peakMb,
      gatewaySeconds,
      gatewayCpuSeconds,
      directSeconds,
      probes: probes.length,
      maxProbeMs: all.max,
      p99ProbeMs: all.p99,
      idleP99ProbeMs: idle.p99,
      controlP99ProbeMs: percentiles(controlProbes.map((p) => p.ms)).p99,
      byPhase: { spool: phase(started, received), send: phase(received, answering), answer: phase(answering, answered), result: phase(answered, ended) },
      eventLoopMaxMs: lag.maxMs,
      eventLoopP99Ms: lag.p99Ms,
    };
  } finally {
    await gateway.stop();
    await control.close();
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}
