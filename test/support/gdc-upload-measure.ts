import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { CREATE, docs, gqlWithStream, readGroupChain } from './gdc';
import { startGatewayProcess } from './gateway-process';

export interface UploadFigures {
  bytes: number;
  success: boolean;
  message: string;
  idleRssMb: number;
  peakRssMb: number;
  seconds: number;
  /** What the object store received matches the file. */
  storedMd5Matches: boolean;
  /** Full (mark-compact) collections in the gateway during the upload, from its /metrics. */
  majorGcs: number;
}

/** The gateway's count of full GCs so far (prom-client's default GC metric). */
async function majorGcsOf(graphqlUrl: string): Promise<number> {
  const res = await request(new URL('/metrics', graphqlUrl));
  const text = await res.body.text();
  const line = /^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)$/m.exec(text);
  return line ? Number(line[1]) : 0;
}

/** Writes `bytes` pseudo-random bytes to a file, returning their md5. */
async function writeRandom(file: string, bytes: number): Promise<string> {
  const out = createWriteStream(file);
  const md5 = createHash('md5');
  let x = 0x9e3779b9;
  for (let written = 0; written < bytes; ) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, bytes - written));
    for (let i = 0; i + 4 <= chunk.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      chunk.writeUInt32LE(x >>> 0, i);
    }
    md5.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return md5.digest('hex');
}

/**
 * A data file of `bytes` through a gateway process (uploadFile) to the sandbox's files endpoint,
 * measuring the gateway's peak RSS: one streamed PUT below 1 GiB, parts with `partBytes`. It must
 * stay near part size × parts in flight, whatever the file's size. `idleMs`: the gateway waits
 * that long, registered and idle, before the upload.
 */
export async function measureUpload(bytes = 200 * 1024 * 1024, partBytes?: number, idleMs = 0): Promise<UploadFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gdc-upload-measure-'));
  const file = path.join(dir, 'reads.fastq');
  const sandbox = await startSandbox({ encode: false, gdc: true, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') });
  const gateway = await startGatewayProcess({
    GDC_URL: sandbox.gdc!.url,
    ENCODE_URL: sandbox.gdc!.url, // never called here; set so no ENCODE sandbox starts in the measured process
    GDC_TOKEN: sandbox.gdc!.token,
    MAX_UPLOAD_BYTES: String(bytes + 10_000_000),
  });
  try {
    const md5 = await writeRandom(file, bytes);
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return (await res.body.json()) as { data: any; errors?: unknown[] };
    };
    const entities = [
      ...readGroupChain('M'),
      docs.unalignedReads('M-FILE', 'M-RG', { name: 'reads.fastq', size: bytes, md5 }),
    ];
    const created = await gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities } });
    const id = created.data?.createEntities?.entities?.[6]?.id as string | undefined;
    if (!id) throw new Error(`registering the file failed: ${JSON.stringify(created)}`);
    const idleRssMb = gateway.memory().rssMb;
    // An idle gateway: V8's memory reducer lowers the heap's limit after some seconds without work.
    if (idleMs) await new Promise((resolve) => setTimeout(resolve, idleMs));
    const gcsBefore = await majorGcsOf(gateway.graphqlUrl);
    const t = Date.now();
    const upload = await gqlWithStream(
      gateway.graphqlUrl,
      'mutation U($input: UploadFileInput!) { uploadFile(input: $input) { success message bytes md5sum } }',
      { input: { source: 'GDC', id, project: 'GDC-INTERNAL', file: null, ...(partBytes ? { partBytes } : {}) } },
      'variables.input.file',
      'reads.fastq',
      createReadStream(file),
    );
    const seconds = (Date.now() - t) / 1000;
    const r = upload.data?.uploadFile;
    if (!r) throw new Error(`uploadFile answered ${JSON.stringify(upload.errors)}`);
    const stored = sandbox.gdc!.emulator.files.stored(id);
    const majorGcs = (await majorGcsOf(gateway.graphqlUrl)) - gcsBefore;
    return { bytes, success: r.success, message: r.message, idleRssMb, peakRssMb: gateway.memory().peakMb, seconds, storedMd5Matches: stored?.md5 === md5, majorGcs };
  } finally {
    await gateway.stop();
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
