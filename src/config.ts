import fs from 'node:fs';
import { REAL_DATA } from './paths';
import { loadTrustedDocuments, type TrustedDocuments } from './plugins/trusted-documents';

/** Every environment variable the gateway reads, parsed and typed in one place. */
export interface Config {
  port: number;
  /** Where the gateway listens; loopback by default, so nothing reaches it (or its credentials) from outside. */
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
  /** How often the typed graph re-reads the upstream schemas (0 = only at start-up). */
  schemaRefreshSeconds: number;
  encode: EncodeWriteConfig;
  uploads: UploadConfig;
  /** Reads one GraphQL operation may send upstream before it is refused (see datasources/upstream-calls.ts). */
  maxUpstreamCalls: number;
  limits: QueryLimits;
  auth: AuthConfig;
  /** How long in-flight requests may run on after SIGTERM/SIGINT before their sockets are closed. */
  shutdownGraceMs: number;
  /** A connection that has not sent a complete request head by then is closed (idle connect-only sockets). */
  headersTimeoutMs: number;
  /** A request body that stalls this long closes its connection. */
  bodyIdleTimeoutMs: number;
  introspection: boolean;
  /** Which browser origins may call the API (CORS_ORIGINS, CORS_CREDENTIALS); none by default. */
  cors: CorsConfig;
  /** TRUSTED_DOCUMENTS: the only operations that run (a persisted-query manifest); null = any. */
  trustedDocuments: TrustedDocuments | null;
  sandbox: SandboxConfig;
}

export interface CorsConfig {
  /** Exact origins (`scheme://host[:port]`) whose pages may read answers; `*` for any (only without credentials). */
  origins: string[];
  /** Whether those pages may send cookies/HTTP auth (Access-Control-Allow-Credentials). */
  credentials: boolean;
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

/** Data file uploads (`uploadFile`, both upstreams: ENCODE's S3 and GDC's files endpoint). */
export interface UploadConfig {
  /** Largest data file; unlike documents they stream, so this guards against mistakes, not memory. */
  maxDataFileBytes: number;
  /** ENCODE's S3: null = AWS S3 (the sandbox's own store when ENCODE is the sandbox). */
  encodeS3Endpoint: string | null;
  encodeS3Region: string;
  /** Multipart part size and parts in flight: memory per upload is about their product. */
  partBytes: number;
  parallelParts: number;
  /** Uploads under way at once in this process (MAX_CONCURRENT_UPLOADS): with the two above, the memory bound. */
  maxConcurrent: number;
}

const MiB = 1024 * 1024;
/** 1 TiB: above the largest ENCODE data files; S3 itself stops at 5 TiB per object. */
export const DEFAULT_MAX_DATA_FILE_BYTES = 1024 ** 4;
const S3_MAX_OBJECT_BYTES = 5 * 1024 ** 4;
export const DEFAULT_UPLOAD_PART_BYTES = 8 * MiB;
/**
 * 8 MiB × 3 in flight (+1 being filled): about 32 MiB per upload. A 1 GiB upload to ENCODE grows the
 * gateway by about 100 MB (lib-storage allocates each part anew, and V8 lets spent buffers wait for
 * a collection); GDC uploads reuse their part buffers (src/services/gdc/upload/parts.ts).
 */
export const DEFAULT_UPLOAD_PARALLEL_PARTS = 3;
/** About 256 MiB of parts in flight at the defaults above. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 8;
/** The bucket ENCODE issues upload credentials for is in us-west-2 (other regions are followed). */
export const DEFAULT_ENCODE_S3_REGION = 'us-west-2';

/** What one GraphQL request may ask, each refused with an error naming its variable. */
export interface QueryLimits {
  /** MAX_ALIASES: aliased fields in one document. */
  aliases: number;
  /** MAX_ROOT_FIELDS: top-level fields of one operation (fragments expanded). */
  rootFields: number;
  /** MAX_DEPTH: nesting of selection sets. */
  depth: number;
  /** MAX_TOKENS: lexical tokens of one document (the parser stops there). */
  tokens: number;
  /** MAX_INPUT_DEPTH: nesting of JSON input (variables, JSON documents) and of literals in the query. */
  inputDepth: number;
}

export const DEFAULT_LIMITS: QueryLimits = { aliases: 30, rootFields: 20, depth: 15, tokens: 20_000, inputDepth: 64 };

export interface AuthConfig {
  /** GATEWAY_API_KEYS / GATEWAY_API_KEYS_FILE: when any, every request needs `Authorization: Bearer <key>`. */
  apiKeys: string[];
  /** ALLOW_CREDENTIAL_FALLBACK: a caller with its own credential for one upstream may get the default one for the other. */
  allowCredentialFallback: boolean;
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

/** A URL as it may be shown (gatewayInfo, logs): without user-info, which may hold a password. */
export function withoutUserInfo(value: string): string {
  try {
    const u = new URL(value);
    if (!u.username && !u.password) return value;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return value.replace(/\/\/[^/@]*@/, '//');
  }
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

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = str(env, name)?.toLowerCase();
  if (v === undefined || v === null) return fallback;
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be true or false, got '${env[name]}'`);
}

/** A positive integer: a limit of 0 would refuse everything. */
function positive(env: Env, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n === 0) throw new Error(`${name} must be at least 1`);
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

/** Keys from GATEWAY_API_KEYS (comma-separated) and GATEWAY_API_KEYS_FILE (one per line, # comments). */
function apiKeys(env: Env): string[] {
  const keys = (str(env, 'GATEWAY_API_KEYS') ?? '').split(',');
  const file = str(env, 'GATEWAY_API_KEYS_FILE');
  if (file) {
    try {
      keys.push(...fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => !line.trim().startsWith('#')));
    } catch (err) {
      throw new Error(`GATEWAY_API_KEYS_FILE '${file}' cannot be read: ${(err as Error).message}`);
    }
  }
  const trimmed = keys.map((k) => k.trim()).filter(Boolean);
  const short = trimmed.find((k) => k.length < 16);
  if (short !== undefined) throw new Error('GATEWAY_API_KEYS: every key must be at least 16 characters long');
  return [...new Set(trimmed)];
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: int(env, 'PORT', 4000),
    host: str(env, 'HOST') ?? '127.0.0.1',
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    encodeUrl: url(env, 'ENCODE_URL'),
    gdcUrl: url(env, 'GDC_URL'),
    encodeKey: str(env, 'DCC_API_KEY'),
    encodeSecret: str(env, 'DCC_SECRET_KEY'),
    gdcToken: gdcToken(env),
    upstreamTimeoutMs: int(env, 'UPSTREAM_TIMEOUT_MS', 60_000),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 100 * 1024 * 1024),
    schemaRefreshSeconds: int(env, 'SCHEMA_REFRESH_SECONDS', 300),
    encode: encodeWrites(env),
    uploads: uploadConfig(env),
    maxUpstreamCalls: positive(env, 'MAX_UPSTREAM_CALLS', 50),
    limits: {
      aliases: int(env, 'MAX_ALIASES', DEFAULT_LIMITS.aliases),
      rootFields: positive(env, 'MAX_ROOT_FIELDS', DEFAULT_LIMITS.rootFields),
      depth: positive(env, 'MAX_DEPTH', DEFAULT_LIMITS.depth),
      tokens: positive(env, 'MAX_TOKENS', DEFAULT_LIMITS.tokens),
      inputDepth: positive(env, 'MAX_INPUT_DEPTH', DEFAULT_LIMITS.inputDepth),
    },
    auth: { apiKeys: apiKeys(env), allowCredentialFallback: bool(env, 'ALLOW_CREDENTIAL_FALLBACK', false) },
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 25_000),
    headersTimeoutMs: positive(env, 'HEADERS_TIMEOUT_MS', 20_000),
    bodyIdleTimeoutMs: positive(env, 'BODY_IDLE_TIMEOUT_MS', 300_000),
    introspection: bool(env, 'INTROSPECTION', true),
    cors: corsConfig(env),
    trustedDocuments: trustedDocuments(env),
    sandbox: sandboxSchemas(env),
  };
}

function trustedDocuments(env: Env): TrustedDocuments | null {
  const file = str(env, 'TRUSTED_DOCUMENTS');
  return file === null ? null : loadTrustedDocuments(file);
}

/** CORS_ORIGINS: comma-separated exact origins as browsers send them in `Origin` (no path, no trailing slash). */
function corsConfig(env: Env): CorsConfig {
  const credentials = bool(env, 'CORS_CREDENTIALS', false);
  const origins = (str(env, 'CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') {
      if (credentials) throw new Error("CORS_ORIGINS '*' cannot be used with CORS_CREDENTIALS=true: list the origins that may send credentials");
      continue;
    }
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(`CORS_ORIGINS must list origins such as http://localhost:5173 (scheme, host and port only), got '${origin}'`);
    }
  }
  return { origins: [...new Set(origins)], credentials };
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

function uploadConfig(env: Env): UploadConfig {
  const maxDataFileBytes = int(env, 'MAX_DATA_FILE_BYTES', DEFAULT_MAX_DATA_FILE_BYTES);
  if (maxDataFileBytes > S3_MAX_OBJECT_BYTES) throw new Error(`MAX_DATA_FILE_BYTES must be at most ${S3_MAX_OBJECT_BYTES} (5 TiB, S3's largest object), got ${maxDataFileBytes}`);
  const partBytes = int(env, 'UPLOAD_PART_BYTES', DEFAULT_UPLOAD_PART_BYTES);
  if (partBytes < 5 * MiB) throw new Error(`UPLOAD_PART_BYTES must be at least ${5 * MiB} (5 MiB, S3's smallest part), got ${partBytes}`);
  const parallelParts = int(env, 'UPLOAD_PARALLEL_PARTS', DEFAULT_UPLOAD_PARALLEL_PARTS);
  if (parallelParts < 1) throw new Error('UPLOAD_PARALLEL_PARTS must be at least 1');
  const maxConcurrent = int(env, 'MAX_CONCURRENT_UPLOADS', DEFAULT_MAX_CONCURRENT_UPLOADS);
  if (maxConcurrent < 1) throw new Error('MAX_CONCURRENT_UPLOADS must be at least 1');
  return {
    maxDataFileBytes,
    encodeS3Endpoint: url(env, 'ENCODE_S3_ENDPOINT'),
    encodeS3Region: str(env, 'ENCODE_S3_REGION') ?? DEFAULT_ENCODE_S3_REGION,
    partBytes,
    parallelParts,
    maxConcurrent,
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
