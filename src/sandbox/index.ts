import path from 'node:path';
import { createEncodeSandbox, ENCODE_SANDBOX_KEYS, type EncodeSandbox } from './encode';
import { createGdcSandbox, GDC_SANDBOX_TOKENS, type GdcSandbox } from './gdc';
import { startS3Sandbox, type S3Sandbox } from './s3';
import { listen, type Listening } from './shared/listen';
import type { RequestLog } from './shared/request-log';

export { ENCODE_SANDBOX_KEYS, GDC_SANDBOX_TOKENS };

export interface SandboxOptions {
  /** Which emulators to start; both by default. S3 starts with ENCODE (its uploads go there). */
  encode?: boolean;
  gdc?: boolean;
  encodeProfiles?: string | null;
  /** Seed records for the ENCODE portal; undefined = the starter seed when the starter profiles are used. */
  encodeSeed?: string | null;
  encodeSearchIndex?: 'sync' | 'manual';
  gdcDictionary?: string | null;
  s3Dir?: string | null;
  /** Where the GDC emulator keeps uploaded data files; temporary by default. */
  gdcFilesDir?: string | null;
  ports?: { encode?: number; gdc?: number; s3?: number };
  /**
   * SANDBOX_DATA_DIR: records, entities, S3 objects and GDC files kept here and reloaded at start
   * (s3/ and gdc-files/ unless their own folders are given); none = in memory, gone at stop.
   */
  dataDir?: string | null;
  /** MAX_COLUMNS: the GDC emulator reads TSV/CSV documents as wide as the gateway lets through; default 2,000. */
  maxColumns?: number;
}

export interface RunningEncode {
  url: string;
  requests: RequestLog;
  emulator: EncodeSandbox;
  /** What the gateway uses when a caller brings no key: the sandbox submitter. */
  credentials: { key: string; secret: string };
}

export interface RunningGdc {
  url: string;
  requests: RequestLog;
  emulator: GdcSandbox;
  token: string;
}

export interface RunningSandbox {
  encode: RunningEncode | null;
  gdc: RunningGdc | null;
  s3: S3Sandbox | null;
  stop(): Promise<void>;
}

/** Starts the local emulators on loopback. The composition root and tests are the only callers. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const closers: (() => Promise<void>)[] = [];
  const dataPath = (name: string) => (options.dataDir ? path.join(options.dataDir, name) : null);
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    let s3: S3Sandbox | null = null;
    let encode: RunningEncode | null = null;
    let gdc: RunningGdc | null = null;
    if (options.encode ?? true) {
      s3 = await startS3Sandbox({ port: options.ports?.s3, directory: options.s3Dir ?? dataPath('s3') });
      closers.push(() => s3!.stop());
      const emulator = await createEncodeSandbox({
        profilesDir: options.encodeProfiles ?? undefined,
        seedFile: options.encodeSeed,
        s3: { bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        searchIndex: options.encodeSearchIndex,
        stateFile: dataPath('encode.json'),
      });
      closers.push(async () => emulator.flush());
      const server: Listening = await listen(emulator.handler, options.ports?.encode);
      closers.push(() => server.close());
      const { id, secret } = ENCODE_SANDBOX_KEYS.submitter;
      encode = { url: server.url, requests: emulator.requests, emulator, credentials: { key: id, secret } };
    }
    if (options.gdc ?? true) {
      const emulator = await createGdcSandbox({
        dictionary: options.gdcDictionary ?? undefined,
        filesDir: options.gdcFilesDir ?? dataPath('gdc-files'),
        stateFile: dataPath('gdc.json'),
        maxColumns: options.maxColumns,
      });
      closers.push(async () => emulator.close());
      const server = await listen(emulator.handler, options.ports?.gdc);
      closers.push(() => server.close());
      gdc = { url: server.url, requests: emulator.requests, emulator, token: GDC_SANDBOX_TOKENS.submitter };
    }
    return { encode, gdc, s3, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
