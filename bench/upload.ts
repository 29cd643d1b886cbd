/**
 * Upload: a 1 GiB file through `uploadFile` (curl → gateway → sandbox S3) against `aws s3 cp` of the
 * same file to the same S3 server, in the same run; then to GDC (curl → gateway → the sandbox GDC's
 * files endpoint) against gdc-client uploading the same file to the same endpoint
 * (./support/gdc-client-peer.ts: the real client, vendored in bench/peers/gdc-client). The sandbox and the gateway each run in a
 * process of their own (the gateway from dist/, as `npm start` runs it), so the gateway's peak RSS
 * is its own; while the file streams, another caller keeps asking the gateway `gatewayInfo`.
 * Targets: the gateway's RSS grows by less than 128 MB over its idle RSS while it uploads (parts
 * in flight, 32 MiB at the defaults, plus spent part buffers V8 has not collected yet: the file's
 * size must not show), and throughput >= 90% of aws s3 cp (best run against best run, after one
 * unmeasured upload of each). The idle RSS itself depends on the
 * schemas the typed graph holds, not on uploads, so it is printed but not the target.
 * BENCH_UPLOAD_BYTES and BENCH_UPLOAD_ROUNDS change the size (default 1 GiB) and rounds (default 2);
 * BENCH_UPLOAD_TO=encode or gdc runs one comparison only.
 */
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { GatewayClient } from '../src/cli/gateway-client';
import { docs, readGroupChain } from '../test/support/gdc';
import { BUILT_SERVER, START_NODE_FLAGS } from './support/built';
import { type GdcClientPeer, gdcClientPeer } from './support/gdc-client-peer';
import { cpuOf, ROOT, rssOf, run, startProcess, stopProcess } from './support/processes';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_UPLOAD_BYTES ?? 1024 * MiB);
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 2);
/** Which comparisons run: `encode` (aws s3 cp), `gdc` (gdc-client), or both (the default). */
const TO = new Set((process.env.BENCH_UPLOAD_TO ?? 'encode,gdc').split(',').map((t) => t.trim()));
const RSS_GROWTH_TARGET = 128e6;
/** Issue 13's goals: ≥ 0.9× aws s3 cp's throughput for 1 GiB, another caller's p99 < 50 ms meanwhile. */
const RATIO_TARGET = 0.9;
const OTHER_P99_TARGET_MS = 50;

interface SandboxInfo {
  /** The sandbox's own node process (tsx runs it as a child of its own). */
  pid: number;
  encode: { url: string; key: string; secret: string };
  gdc: { url: string; token: string };
  s3: { url: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; directory: string };
}

interface Timing {
  ms: number;
  note: string;
  /** Where the bytes went: s3://bucket/key for S3, the data file's entity id for GDC. */
  stored?: string;
  /** CPU seconds of the client (curl or aws), the gateway and the sandbox S3 during the run. */
  cpu: { client: number; gateway: number; gatewaySystem: number; s3: number };
}

export async function runUpload(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-'));
  const children: ChildProcess[] = [];
  try {
    const aws = TO.has('encode') ? await awsCli() : null;
    const file = path.join(work, 'reads.fastq.gz');
    const md5 = writeRandomFile(file, SIZE);

    const sandboxProc = await startProcess(path.join(ROOT, 'node_modules/.bin/tsx'), [...START_NODE_FLAGS, 'bench/support/sandbox-process.ts'], /^(\{.*\})$/m, {
      env: { ...process.env, SANDBOX_S3_DIR: path.join(work, 's3'), SANDBOX_FAULTS: '' },
    });
    children.push(sandboxProc.child);
    const sandbox = JSON.parse(sandboxProc.match[1]) as SandboxInfo;

    const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // The ready line is logged at info (as JSON lines).
    const gatewayProc = await startProcess(process.execPath, [...START_NODE_FLAGS, ...nodeArgs, BUILT_SERVER], /(http:\/\/[^\s"]+\/graphql)/, {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ENCODE_URL: sandbox.encode.url,
        GDC_URL: sandbox.gdc.url,
        ENCODE_S3_ENDPOINT: sandbox.s3.url,
        DCC_API_KEY: sandbox.encode.key,
        DCC_SECRET_KEY: sandbox.encode.secret,
        GDC_TOKEN: sandbox.gdc.token,
      },
    });
    children.push(gatewayProc.child);
    const graphqlUrl = gatewayProc.match[1];
    const gateway = new GatewayClient(graphqlUrl);
    const pid = gatewayProc.child.pid!;
    const encodeMissed = TO.has('encode') && (await encodeComparison(graphqlUrl, gateway, pid, aws, file, md5, sandbox));
    const gdcMissed = TO.has('gdc') && (await gdcComparison(graphqlUrl, gateway, file, md5, sandbox, pid));
    if (encodeMissed || gdcMissed) process.exitCode = 1;
  } finally {
    for (const child of children.reverse()) await stopProcess(child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * ENCODE: uploadFile against aws s3 cp, interleaved, after one unmeasured upload of each; the
 * gateway's RSS growth and another caller's latency meanwhile. True when a target was missed.
 */
async function encodeComparison(graphqlUrl: string, gateway: GatewayClient, pid: number, aws: string | null, file: string, md5: string, sandbox: SandboxInfo): Promise<boolean> {
  console.log(`\nupload: ${gib(SIZE)} through uploadFile vs aws s3 cp to the same sandbox S3 (${ROUNDS} rounds each)`);
  let missed = false;
  const fileId = await registerFile(gateway, md5, SIZE);
  const idle = await latencies(gateway, 20);
  const rssIdle = rssOf(pid)?.rss ?? NaN;

  // One upload of each, not measured: the first upload into a fresh sandbox S3 costs the emulator
  // a third less CPU than every later one (9 s against 13-16 s per GiB, seen on aws s3 cp's first
  // round), and whichever went first took that advantage.
  // Untimed, after each upload: the object is deleted (with the aws CLI, when there is one). Kept,
  // each round's GiB adds to the disk's write-back, which slows every later round (as it did the
  // GDC comparison's).
  const forget = async <T extends Timing>(t: T): Promise<T> => {
    if (aws && t.stored) await s3Remove(aws, sandbox, t.stored);
    return t;
  };
  if (aws) await awsCopy(aws, file, sandbox, -1).then(forget);
  await gatewayUpload(graphqlUrl, gateway, { source: 'ENCODE', id: fileId }, file, md5).then(forget);

  const awsRuns: Timing[] = [];
  const gatewayRuns: (Timing & { during: number[] })[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['aws', 'gateway'] : ['gateway', 'aws'];
    for (const which of order) {
      if (which === 'aws' && aws) awsRuns.push(await forget(await withCpu(pid, sandbox.pid, () => awsCopy(aws, file, sandbox, round))));
      if (which === 'gateway') gatewayRuns.push(await forget(await withCpu(pid, sandbox.pid, () => gatewayUpload(graphqlUrl, gateway, { source: 'ENCODE', id: fileId }, file, md5))));
    }
  }
  const peak = rssOf(pid)?.peak ?? NaN;

  const g = best(gatewayRuns);
  console.log(`  gateway uploadFile:  ${gatewayRuns.map((r) => secs(r.ms)).join(', ')}  best ${rate(g)}  (${gatewayRuns[0].note})`);
  console.log(`    CPU s:             ${cpu(gatewayRuns)}`);
  if (awsRuns.length) {
    console.log(`  aws s3 cp:           ${awsRuns.map((r) => secs(r.ms)).join(', ')}  best ${rate(best(awsRuns))}  (${awsRuns[0].note})`);
    console.log(`    CPU s:             ${cpu(awsRuns)}`);
    missed ||= !throughputAgainst('aws s3 cp', awsRuns, gatewayRuns);
  }
  const growth = peak - rssIdle;
  console.log(`  gateway peak RSS:    ${mb(peak)}, ${mb(rssIdle)} idle before the uploads: grew ${mb(growth)} (target < ${mb(RSS_GROWTH_TARGET)}) ${growth < RSS_GROWTH_TARGET ? 'ok' : 'MISSED'}`);
  missed ||= !(growth < RSS_GROWTH_TARGET);
  const during = gatewayRuns.flatMap((r) => r.during);
  console.log(
    `  other callers:       gatewayInfo during uploads p50 ${pct(during, 0.5)} ms, p99 ${pct(during, 0.99)} ms, max ${pct(during, 1)} ms (n=${during.length}); idle p50 ${pct(idle, 0.5)} ms` +
      ` (target p99 < ${OTHER_P99_TARGET_MS} ms) ${Number(pct(during, 0.99)) < OTHER_P99_TARGET_MS ? 'ok' : 'MISSED'}`,
  );
  missed ||= !(Number(pct(during, 0.99)) < OTHER_P99_TARGET_MS);
  return missed;
}

const best = (runs: Timing[]) => Math.min(...runs.map((r) => r.ms));
const median = (runs: Timing[]) => {
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  return (ms[(ms.length - 1) >> 1] + ms[ms.length >> 1]) / 2;
};
const rate = (ms: number) => `${(SIZE / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
/** Prints the gateway's throughput against a peer's (best against best is judged); whether it met the target. */
function throughputAgainst(peer: string, peerRuns: Timing[], gatewayRuns: Timing[]): boolean {
  const ratio = best(peerRuns) / best(gatewayRuns);
  console.log(
    `  throughput:          ${(ratio * 100).toFixed(0)}% of ${peer}, best against best (target >= ${RATIO_TARGET * 100}%) ${ratio >= RATIO_TARGET ? 'ok' : 'MISSED'}; ` +
      `median against median ${((median(peerRuns) / median(gatewayRuns)) * 100).toFixed(0)}%`,
  );
  return ratio >= RATIO_TARGET;
}

/** A run with the CPU seconds the gateway (`pid`) and the sandbox used meanwhile. */
async function withCpu<T extends Timing>(pid: number, sandboxPid: number, run: () => Promise<T>): Promise<T> {
  const total = (c: { user: number; system: number }) => c.user + c.system;
  const before = { gateway: cpuOf(pid), sandbox: cpuOf(sandboxPid) };
  const t = await run();
  const after = cpuOf(pid);
  t.cpu.gateway = total(after) - total(before.gateway);
  t.cpu.gatewaySystem = after.system - before.gateway.system;
  t.cpu.s3 = total(cpuOf(sandboxPid)) - total(before.sandbox);
  return t;
}

const cpu = (runs: Timing[]) => runs.map((r) => `client ${r.cpu.client.toFixed(1)}, gateway ${r.cpu.gateway.toFixed(1)} (system ${r.cpu.gatewaySystem.toFixed(1)}), S3 ${r.cpu.s3.toFixed(1)}`).join(' | ');

const GDC_PROJECT = 'GDC-INTERNAL';
/** gdc-client's part size for the `-c` comparison: the gateway's UPLOAD_PART_BYTES default. */
const GATEWAY_PART_BYTES = 8 * MiB;

/**
 * GDC: uploadFile against gdc-client, the same file to the same sandbox files endpoint, interleaved,
 * after one unmeasured upload of each. Each upload goes to a data file entity of its own (an
 * uploaded file takes no second upload). gdc-client as submitters run it: one PUT for a file below
 * its 1 GiB part size; also once with the gateway's 8 MiB parts (`-c`), for the record. The CPU
 * lines give the whole sandbox process's (GDC's files endpoint). True when a target was missed.
 */
async function gdcComparison(graphqlUrl: string, gateway: GatewayClient, file: string, md5: string, sandbox: SandboxInfo, pid: number): Promise<boolean> {
  console.log(`\nupload to GDC: ${gib(SIZE)} through uploadFile vs gdc-client upload to the same sandbox GDC files endpoint (${ROUNDS} rounds each)`);
  const peer = await gdcClientPeer();
  const ids = await registerGdcFiles(gateway, path.basename(file), md5, SIZE, 2 * ROUNDS + 3);
  const tokenFile = path.join(path.dirname(file), 'gdc-token.txt');
  // Readable by its owner only, as gdc-client asks of a token file.
  fs.writeFileSync(tokenFile, sandbox.gdc.token, { mode: 0o600 });
  const server = `${new URL(sandbox.gdc.url).origin}/`;
  const upload = async (which: 'gateway' | 'gdc-client' | 'gdc-client 8 MiB'): Promise<Timing> => {
    const id = ids.pop()!;
    const partSize = which === 'gdc-client 8 MiB' ? ['-c', String(GATEWAY_PART_BYTES)] : [];
    const t = which === 'gateway' ? await gatewayUpload(graphqlUrl, gateway, { source: 'GDC', project: GDC_PROJECT, id }, file, md5) : await gdcClientUpload(peer!, id, file, tokenFile, server, partSize);
    return { ...t, stored: id };
  };
  // Untimed, after each upload: the sandbox deletes the bytes it stored (deleteFileBytes). Kept,
  // each round's GiB added to the disk's write-back, and the later rounds of both clients ran
  // 1.5× slower than the first (the sandbox's CPU per GiB 3.7-4.4 s, then 6.4-7.6 s).
  const forget = async (t: Timing): Promise<Timing> => {
    const r = await gateway.request<{ deleteFileBytes: { success: boolean; message: string } }>('mutation($p: String!, $id: ID!) { deleteFileBytes(project: $p, id: $id) { success message } }', { p: GDC_PROJECT, id: t.stored });
    if (!r.deleteFileBytes.success) throw new Error(`bench: deleting the uploaded bytes failed: ${r.deleteFileBytes.message}`);
    return t;
  };
  if (peer) await upload('gdc-client').then(forget);
  await upload('gateway').then(forget);
  const gatewayRuns: Timing[] = [];
  const peerRuns: Timing[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of round % 2 === 0 ? (['gdc-client', 'gateway'] as const) : (['gateway', 'gdc-client'] as const)) {
      if (which === 'gateway') gatewayRuns.push(await forget(await withCpu(pid, sandbox.pid, () => upload('gateway'))));
      else if (peer) peerRuns.push(await forget(await withCpu(pid, sandbox.pid, () => upload('gdc-client'))));
    }
  }
  const g = best(gatewayRuns);
  console.log(`  gateway uploadFile:  ${gatewayRuns.map((r) => secs(r.ms)).join(', ')}  best ${rate(g)}  (${gatewayRuns[0].note})`);
  console.log(`    CPU s:             ${cpu(gatewayRuns).replaceAll('S3', 'sandbox')}`);
  if (!peer) return false;
  console.log(`  gdc-client ${peer.version}:  ${peerRuns.map((r) => secs(r.ms)).join(', ')}  best ${rate(best(peerRuns))}  (${peerRuns[0].note})`);
  console.log(`    CPU s:             ${cpu(peerRuns).replaceAll('S3', 'sandbox')}`);
  const met = throughputAgainst('gdc-client', peerRuns, gatewayRuns);
  const parted = await withCpu(pid, sandbox.pid, () => upload('gdc-client 8 MiB'));
  console.log(`  gdc-client -c 8 MiB: ${secs(parted.ms)}, ${rate(parted.ms)} (${parted.note}): the gateway's best is ${((parted.ms / g) * 100).toFixed(0)}% of it (not judged)`);
  return !met;
}

/** A read group chain and `count` data file entities registered with the file's name, md5 and size; their ids. */
async function registerGdcFiles(gateway: GatewayClient, name: string, md5: string, size: number, count: number): Promise<string[]> {
  const create = `mutation($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { id errors { message } } } }`;
  type Created = { createEntities: { success: boolean; entities: { id: string; errors: { message: string }[] }[] } };
  const post = async (entities: object[]) => {
    const r = await gateway.request<Created>(create, { input: { source: 'GDC', project: GDC_PROJECT, entities } });
    if (!r.createEntities.success) throw new Error(`bench setup (GDC): ${JSON.stringify(r.createEntities.entities.flatMap((e) => e.errors))}`);
    return r.createEntities.entities.map((e) => e.id);
  };
  await post(readGroupChain('BENCH'));
  return post(Array.from({ length: count }, (_, i) => docs.unalignedReads(`BENCH-READS-${i}`, 'BENCH-RG', { name, size, md5 })));
}

/** gdc-client upload of one file id, the file found by its GDC file_name in the file's folder (-f), as submitters run it. */
async function gdcClientUpload(peer: GdcClientPeer, id: string, file: string, tokenFile: string, server: string, extra: string[]): Promise<Timing> {
  const args = [...peer.args, 'upload', '-p', GDC_PROJECT, id, '-f', path.dirname(file), '-t', tokenFile, '--server', server, ...extra];
  const r = await timed(peer.command, args, { env: peer.env, cwd: path.dirname(file) });
  // gdc-client logs a failed upload and still exits 0.
  const failures = r.output.split(/[\r\n]+/).filter((line) => /error|fail/i.test(line));
  if (r.code !== 0 || failures.length || !/upload finished for file/i.test(r.output)) throw new Error(`gdc-client upload failed (exit ${r.code}): ${failures.join('\n') || r.output.slice(-800)}`);
  // gdc-client's default part size is 1 GiB (rounded up to a page): one PUT below it.
  const note = extra.length ? 'multipart' : SIZE <= 1024 * MiB ? `one PUT below its ${gib(1024 * MiB)} part size` : `multipart in ${gib(1024 * MiB)} parts`;
  return { ms: r.ms, note, cpu: { client: r.cpu, gateway: 0, gatewaySystem: 0, s3: 0 } };
}

/** The AWS CLI, installed with apt (Debian's awscli) when missing and possible; null otherwise. */
async function awsCli(): Promise<string | null> {
  const which = async () => (await run('sh', ['-c', 'command -v aws'])).output.trim() || null;
  const found = await which();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    console.log('  aws CLI not found and not root: install it (apt-get install awscli) to measure the aws s3 cp baseline; skipping it');
    return null;
  }
  console.log("  aws CLI not found: installing Debian's awscli with apt, for this benchmark only …");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = await run('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq --no-install-recommends awscli'], { env });
  const installed = await which();
  if (!installed) console.log(`  could not install awscli (exit ${install.code}); skipping the aws s3 cp baseline:\n${install.output.slice(-800)}`);
  return installed;
}

function writeRandomFile(file: string, size: number): string {
  const hash = createHash('md5');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(4 * MiB);
  for (let left = size; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    randomFillSync(part);
    hash.update(part);
    fs.writeSync(fd, part);
  }
  // On the disk before anything is timed: its write-back must not overlap the first uploads.
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return hash.digest('hex');
}

async function registerFile(gateway: GatewayClient, md5: string, size: number): Promise<string> {
  const create = `mutation($input: CreateEntitiesInput!) { createEntities(input: $input) { success entities { accession errors { message } } } }`;
  type Created = { createEntities: { success: boolean; entities: { accession: string; errors: { message: string }[] }[] } };
  const post = async (profile: string, record: object) => {
    const r = await gateway.request<Created>(create, { input: { source: 'ENCODE', profile, entities: [record] } });
    if (!r.createEntities.success) throw new Error(`bench setup ${profile}: ${JSON.stringify(r.createEntities.entities[0].errors)}`);
    return r.createEntities.entities[0].accession;
  };
  const common = { award: 'UM1HG000000', lab: 'sandbox-lab' };
  const experiment = await post('experiment', { ...common, assay_term_name: 'RNA-seq', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['sandbox-lab:bench-exp'] });
  return post('file', { ...common, dataset: experiment, file_format: 'fastq', output_type: 'reads', md5sum: md5, file_size: size, aliases: ['sandbox-lab:bench-reads'] });
}

/** curl sends the file as a GraphQL multipart request, as any HTTP client would; another caller asks gatewayInfo meanwhile. */
async function gatewayUpload(url: string, gateway: GatewayClient, target: { source: 'ENCODE' | 'GDC'; id: string; project?: string }, file: string, md5: string): Promise<Timing & { during: number[] }> {
  const operations = JSON.stringify({
    query: 'mutation($input: UploadFileInput!) { uploadFile(input: $input) { success message bytes md5sum } }',
    variables: { input: { ...target, file: null } },
  });
  const args = ['-sS', '-X', 'POST', '-H', 'apollo-require-preflight: true', '--form-string', `operations=${operations}`, '--form-string', 'map={"0":["variables.input.file"]}', '-F', `0=@${file}`, url];
  let uploading = true;
  const curl = timed('curl', args).finally(() => (uploading = false));
  const during: number[] = [];
  while (uploading) {
    const t = performance.now();
    await gateway.request('{ gatewayInfo { version } }');
    during.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { ms, output, code, cpu } = await curl;
  const answer = JSON.parse(output || '{}')?.data?.uploadFile;
  if (code !== 0 || !answer?.success || answer.md5sum !== md5) throw new Error(`gateway upload failed (curl exit ${code}): ${output.slice(0, 500)}`);
  const stored = / to (s3:\/\/\S+?)[;,]?(?:\s|$)/.exec(answer.message)?.[1];
  return { ms, during, note: answer.message.replace(/ to s3:\S+/, ''), stored, cpu: { client: cpu, gateway: 0, gatewaySystem: 0, s3: 0 } };
}

async function awsCopy(aws: string, file: string, sandbox: SandboxInfo, round: number): Promise<Timing> {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: sandbox.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.s3.secretAccessKey, AWS_DEFAULT_REGION: sandbox.s3.region };
  const key = `s3://${sandbox.s3.bucket}/bench/aws-${round}.bin`;
  const copy = await timed(aws, ['--endpoint-url', sandbox.s3.url, 's3', 'cp', '--no-progress', file, key], { env });
  if (copy.code !== 0) throw new Error(`aws s3 cp failed: ${copy.output}`);
  const head = await run(aws, ['--endpoint-url', sandbox.s3.url, 's3api', 'head-object', '--bucket', sandbox.s3.bucket, '--key', `bench/aws-${round}.bin`], { env });
  const info = JSON.parse(head.output);
  if (info.ContentLength !== SIZE) throw new Error(`aws s3 cp stored ${info.ContentLength} bytes, not ${SIZE}`);
  return { ms: copy.ms, note: `ETag ${info.ETag}`, stored: key, cpu: { client: copy.cpu, gateway: 0, gatewaySystem: 0, s3: 0 } };
}

/** Deletes an object of the sandbox S3 (s3://bucket/key). */
async function s3Remove(aws: string, sandbox: SandboxInfo, url: string): Promise<void> {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: sandbox.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.s3.secretAccessKey, AWS_DEFAULT_REGION: sandbox.s3.region };
  const r = await run(aws, ['--endpoint-url', sandbox.s3.url, 's3', 'rm', url], { env });
  if (r.code !== 0) throw new Error(`bench: deleting ${url} failed: ${r.output}`);
}

/** Runs a command through sh, whose `times` (on stderr, last) reports the CPU its children used. */
async function timed(command: string, args: string[], options: Parameters<typeof run>[2] = {}) {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const r = await run('sh', ['-c', `${[command, ...args].map(quote).join(' ')}; status=$?; times >&2; exit $status`], options);
  const lines = r.stderr.trimEnd().split('\n');
  const seconds = (lines.at(-1)!.match(/\d+m[\d.]+s/g) ?? []).map((t) => {
    const [, m, sec] = /(\d+)m([\d.]+)s/.exec(t)!;
    return Number(m) * 60 + Number(sec);
  });
  return { ...r, output: r.stdout + lines.slice(0, -2).join('\n'), cpu: seconds.reduce((a, b) => a + b, 0) };
}

async function latencies(gateway: GatewayClient, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await gateway.request('{ gatewayInfo { version } }');
    out.push(performance.now() - t);
  }
  return out;
}

function pct(values: number[], p: number): string {
  if (!values.length) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(0);
}
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
