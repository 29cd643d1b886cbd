/**
 * Load: N clients for D seconds of reads and writes against a gateway process on the sandbox
 * (autocannon as the clients; the sandbox runs here so its records can be counted after). Reports
 * 5xx answers, lost or duplicated writes, and the gateway's RSS before and after.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';
import { ENCODE_SANDBOX_KEYS, GDC_SANDBOX_TOKENS, type RunningSandbox, startSandbox } from '../src/sandbox';

export interface LoadOptions {
  durationS: number;
  connections: number;
}

export interface LoadReport {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  status5xx: number;
  non2xx: number;
  /** Connection errors and client timeouts. */
  errors: number;
  writesAnswered: number;
  writesSucceeded: number;
  recordsFound: number;
  /** Writes answered success whose record is not upstream. */
  lost: number;
  /** Records upstream more than once for one write. */
  duplicated: number;
  /** Records upstream whose write was answered with an error. */
  unreported: number;
  /** Writes still unanswered when the run ended (the clients stop waiting): not counted as lost. */
  cutOff: number;
  /** Resident set and V8 heap in use, each after a full garbage collection (see keptMemoryMb). */
  rssBeforeMb: number;
  rssAfterMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
}

const ROOT = path.resolve(__dirname, '..');

/** `pending`: sent, and the run ended before its answer (autocannon drops those at the end). */
type WriteOutcome = 'pending' | 'ok' | 'error';

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The gateway as `npm start` runs it, in its own process (access log off: warn), pointed at the sandbox given. */
async function startGatewayProcess(sandbox: RunningSandbox): Promise<{ child: ChildProcess; url: string }> {
  const { id, secret } = ENCODE_SANDBOX_KEYS.submitter;
  const port = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', '--require', path.join(__dirname, 'support', 'gc-on-signal.cjs'), '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error', // the clients stop mid-request at the end: those aborted requests log warnings
      ENCODE_URL: sandbox.encode!.url,
      GDC_URL: sandbox.gdc!.url,
      DCC_API_KEY: id,
      DCC_SECRET_KEY: secret,
      GDC_TOKEN: GDC_SANDBOX_TOKENS.submitter,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 200))) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ok = await request(`${url}/readyz`).then(
      async (res) => (await res.body.text(), res.statusCode === 200),
      () => false,
    );
    if (ok) return { child, url };
  }
  child.kill('SIGKILL');
  throw new Error('gateway not ready after 60 s');
}

/** The gateway's resident set and V8 heap in use, from its own /metrics. */
async function memoryMb(url: string): Promise<{ rss: number; heap: number }> {
  const res = await request(`${url}/metrics`);
  const text = await res.body.text();
  const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0) / 1e6;
  return { rss: metric('process_resident_memory_bytes'), heap: metric('nodejs_heap_size_used_bytes') };
}

/**
 * Memory after a full garbage collection (SIGUSR2, see support/gc-on-signal.cjs): what the gateway
 * keeps. Without it the figure depends on when V8 last collected: on a busy 2-core machine the heap
 * in use read 164 MB two seconds after a run and 39 MB after a collection.
 */
async function keptMemoryMb(child: ChildProcess, url: string): Promise<{ rss: number; heap: number }> {
  child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 500));
  return memoryMb(url);
}

const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** Three reads for every write; writes alternate between an ENCODE biosample and a GDC case, each with a key of its own. */
function requestsFor(run: string, written: Map<string, WriteOutcome>): autocannon.Request[] {
  let n = 0;
  const headers = { 'content-type': 'application/json' };
  const read = (query: string): autocannon.Request => ({ method: 'POST', path: '/graphql', headers, body: gql(query) });
  // As a real client writes: one query text, the records in variables.
  const gdcWrite = 'mutation GdcCase($e: [JSON!]) { createEntities(input: { source: GDC, project: "GDC-INTERNAL", entities: $e }) { success } }';
  const encodeWrite = 'mutation EncodeBiosample($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e }) { success } }';
  const gdcCase = (key: string) => ({ type: 'case', submitter_id: key, disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } });
  const biosample = (key: string) => ({
    award: 'UM1HG000000', lab: 'sandbox-lab', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: [`sandbox-lab:${key}`],
  });
  const write: autocannon.Request = {
    method: 'POST',
    path: '/graphql',
    headers,
    // A connection sends one request at a time, so its context carries the key to the answer.
    setupRequest: (req, context: object) => {
      const key = `${run}-${++n}`;
      (context as { key?: string }).key = key;
      written.set(key, 'pending');
      return { ...req, body: n % 2 ? gql(encodeWrite, { e: [biosample(key)] }) : gql(gdcWrite, { e: [gdcCase(key)] }) };
    },
    onResponse: (status, body, context: object) => {
      written.set((context as { key: string }).key, status === 200 && /"success":true/.test(body) ? 'ok' : 'error');
    },
  };
  return [
    read('query LabAndAward { encodeRecords(ids: ["/labs/sandbox-lab/", "/awards/UM1HG000000/"]) }'),
    write,
    read('query Dictionary { gdcDictionary(type: "case") }'),
    read('query Labs { encodeSearch(type: "Lab", limit: 5) { total } }'),
  ];
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const sandbox = await startSandbox({});
  const { child, url } = await startGatewayProcess(sandbox);
  try {
    const run = `load${Date.now().toString(36)}`;
    const written = new Map<string, WriteOutcome>();
    // Warm up at full concurrency (JIT, lazy modules, pools, heap at working size) before the "before" RSS.
    await autocannon({ url, connections: options.connections, duration: 3, requests: requestsFor(`${run}w`, written) });
    const before = await keptMemoryMb(child, url);
    const result = await autocannon({ url, connections: options.connections, duration: options.durationS, timeout: 30, requests: requestsFor(run, written) });
    // Requests the clients stopped waiting for finish first.
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await keptMemoryMb(child, url);
    return { ...count(result, sandbox, written), rssBeforeMb: before.rss, rssAfterMb: after.rss, heapBeforeMb: before.heap, heapAfterMb: after.heap };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sandbox.stop();
  }
}

function count(result: autocannon.Result, sandbox: RunningSandbox, written: Map<string, WriteOutcome>) {
  const upstream = new Map<string, number>();
  for (const item of sandbox.encode!.emulator.portal.store.all()) {
    for (const alias of (item.properties.aliases as string[] | undefined) ?? []) {
      const key = alias.replace(/^sandbox-lab:/, '');
      if (written.has(key)) upstream.set(key, (upstream.get(key) ?? 0) + 1);
    }
  }
  for (const node of sandbox.gdc!.emulator.service.store.ofType('case')) {
    const key = String(node.props.submitter_id);
    if (written.has(key)) upstream.set(key, (upstream.get(key) ?? 0) + 1);
  }
  let lost = 0;
  let unreported = 0;
  let succeeded = 0;
  let cutOff = 0;
  for (const [key, outcome] of written) {
    const n = upstream.get(key) ?? 0;
    if (outcome === 'pending') cutOff++;
    if (outcome === 'ok') succeeded++;
    if (outcome === 'ok' && n === 0) lost++;
    if (outcome === 'error' && n > 0) unreported++;
  }
  const codes = result.statusCodeStats as unknown as Record<string, { count: number }>;
  const status5xx = Object.entries(codes).reduce((sum, [code, s]) => sum + (Number(code) >= 500 ? s.count : 0), 0);
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    status5xx,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    writesAnswered: written.size,
    writesSucceeded: succeeded,
    recordsFound: [...upstream.values()].reduce((a, b) => a + b, 0),
    lost,
    duplicated: [...upstream.values()].filter((n) => n > 1).length,
    unreported,
    cutOff,
  };
}
