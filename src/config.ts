import fs from 'node:fs';
import { REAL_DATA } from './paths';

/** Every environment variable the gateway reads, parsed and typed in one place. */
export interface Config {
  port: number;
  host: string;
  logLevel: string;
  /** Real upstream base URLs; null means "start the embedded sandbox for this upstream". */
  encodeUrl: string | null;
  gdcUrl: string | null;
  /** Fallback credentials used when a request brings none of its own. */
  encodeKey: string | null;
  encodeSecret: string | null;
  gdcToken: string | null;
  upstreamTimeoutMs: number;
  maxUploadBytes: number;
  encode: EncodeWriteConfig;
  /** Reads one GraphQL operation may send upstream before it is refused (see datasources/upstream-calls.ts). */
  maxUpstreamCalls: number;
  sandbox: SandboxConfig;
}

/** How ENCODE records are registered (defaults as eu_register takes them from the environment). */
export interface EncodeWriteConfig {
  /** Award and lab for records that name none (DCC_AWARD, DCC_LAB); the lab also prefixes bare aliases. */
  award: string | null;
  lab: string | null;
  /** The only folder `{"path": …}` attachments and local `submitted_file_name`s are read from; null = none. */
  uploadRoot: string | null;
  /** ENCODE writes in flight at once for one request (ENCODE_WRITE_CONCURRENCY). */
  writeConcurrency: number;
  /** S3 endpoint for `s3://` sources of file records (AWS_ENDPOINT_URL_S3); null = AWS itself. */
  s3Endpoint: string | null;
}

export interface SandboxConfig {
  /** Folder of ENCODE profiles for the sandbox portal; null = built-in starter set. */
  encodeProfiles: string | null;
  /** Seed file or inserts folder; undefined = what goes with the profiles (starter seed, or the real inserts). */
  encodeSeed: string | null | undefined;
  /** GDC dictionary (resolved JSON file or YAML folder) for the sandbox; null = built-in starter set. */
  gdcDictionary: string | null;
  /** Where the sandbox S3 store keeps objects; null = a fresh temporary folder. */
  s3Dir: string | null;
  /** Where the sandbox GDC keeps uploaded data files; null = a temporary folder, removed on stop. */
  gdcFilesDir: string | null;
  /** Fixed ports for `npm run sandbox`; 0 = any free port. */
  encodePort: number;
  gdcPort: number;
  s3Port: number;
}

/** What `gatewayInfo` reports: which upstreams this gateway talks to. */
export interface GatewayInfoModel {
  version: string;
  sandbox: boolean;
  upstreams: { source: 'ENCODE' | 'GDC'; url: string; sandbox: boolean }[];
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

function int(env: Env, name: string, fallback: number): number {
  const v = str(env, name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function url(env: Env, name: string): string | null {
  const v = str(env, name);
  if (v === null) return null;
  try {
    const u = new URL(v);
    return u.toString().replace(/\/+$/, '');
  } catch {
    throw new Error(`${name} must be an absolute URL such as https://www.encodeproject.org, got '${v}'`);
  }
}

function gdcToken(env: Env): string | null {
  const direct = str(env, 'GDC_TOKEN');
  if (direct) return direct;
  const file = str(env, 'GDC_TOKEN_FILE');
  if (!file) return null;
  try {
    return fs.readFileSync(file, 'utf8').trim() || null;
  } catch (err) {
    throw new Error(`GDC_TOKEN_FILE '${file}' cannot be read: ${(err as Error).message}`);
  }
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: int(env, 'PORT', 4000),
    host: str(env, 'HOST') ?? '0.0.0.0',
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    encodeUrl: url(env, 'ENCODE_URL'),
    gdcUrl: url(env, 'GDC_URL'),
    encodeKey: str(env, 'DCC_API_KEY'),
    encodeSecret: str(env, 'DCC_SECRET_KEY'),
    gdcToken: gdcToken(env),
    upstreamTimeoutMs: int(env, 'UPSTREAM_TIMEOUT_MS', 60_000),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 100 * 1024 * 1024),
    encode: encodeWrites(env),
    maxUpstreamCalls: int(env, 'MAX_UPSTREAM_CALLS', 50),
    sandbox: sandboxSchemas(env),
  };
}

function encodeWrites(env: Env): EncodeWriteConfig {
  const concurrency = int(env, 'ENCODE_WRITE_CONCURRENCY', 8);
  if (concurrency < 1 || concurrency > 64) throw new Error(`ENCODE_WRITE_CONCURRENCY must be between 1 and 64, got '${concurrency}'`);
  const uploadRoot = str(env, 'UPLOAD_ROOT');
  if (uploadRoot !== null && !fs.existsSync(uploadRoot)) throw new Error(`UPLOAD_ROOT '${uploadRoot}' does not exist`);
  return {
    award: str(env, 'DCC_AWARD'),
    lab: str(env, 'DCC_LAB'),
    uploadRoot: uploadRoot === null ? null : fs.realpathSync(uploadRoot),
    writeConcurrency: concurrency,
    s3Endpoint: url(env, 'AWS_ENDPOINT_URL_S3') ?? url(env, 'AWS_ENDPOINT_URL'),
  };
}

/**
 * `SANDBOX_SCHEMAS=real` puts the sandbox on the real ENCODE profiles (with the real inserts loaded)
 * and the real GDC dictionary shipped in data/; `starter` (the default) on the small built-in set.
 * `SANDBOX_ENCODE_PROFILES`, `SANDBOX_ENCODE_SEED` and `SANDBOX_GDC_DICTIONARY` override either.
 */
function sandboxSchemas(env: Env): SandboxConfig {
  const schemas = str(env, 'SANDBOX_SCHEMAS') ?? 'starter';
  if (schemas !== 'starter' && schemas !== 'real') throw new Error(`SANDBOX_SCHEMAS must be 'starter' or 'real', got '${schemas}'`);
  const real = schemas === 'real' ? REAL_DATA : null;
  const seed = str(env, 'SANDBOX_ENCODE_SEED');
  return {
    encodeProfiles: str(env, 'SANDBOX_ENCODE_PROFILES') ?? real?.encodeProfiles ?? null,
    encodeSeed: seed === 'none' ? null : (seed ?? undefined),
    gdcDictionary: str(env, 'SANDBOX_GDC_DICTIONARY') ?? real?.gdcDictionary ?? null,
    s3Dir: str(env, 'SANDBOX_S3_DIR'),
    gdcFilesDir: str(env, 'SANDBOX_GDC_FILES_DIR'),
    encodePort: int(env, 'SANDBOX_ENCODE_PORT', 0),
    gdcPort: int(env, 'SANDBOX_GDC_PORT', 0),
    s3Port: int(env, 'SANDBOX_S3_PORT', 0),
  };
}
