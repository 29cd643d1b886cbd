import fs from 'node:fs';
import net from 'node:net';
import { REAL_DATA } from './paths';
import { parseTrustProxy, type TrustProxy } from './http/client-address';
import { DEFAULT_MAX_COLUMNS } from './rules/shared/columns';

/**
 * A setting with a bad value: its message is one line naming the variable, the value and what is
 * allowed, printed as it is (no stack) by every entry point.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** pino's own levels; anything else makes pino throw an internal message at start. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogFormat = 'json' | 'pretty';
/** `all`: one line per request; `errors`: only answers >= 400 and aborted requests; `off`: none. */
export type AccessLogMode = 'all' | 'errors' | 'off';
import { loadTrustedDocuments, type TrustedDocuments } from './plugins/trusted-documents';

/** Every environment variable the gateway reads, parsed and typed in one place. */
export interface Config {
  port: number;
  /** Where the gateway listens; loopback by default, so nothing reaches it (or its credentials) from outside. */
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** LOG_FORMAT: JSON lines, or pino-pretty's coloured lines for a terminal. */
  logFormat: LogFormat;
  /** ACCESS_LOG: which requests get an access log line. */
  accessLog: AccessLogMode;
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
  /** RATE_LIMIT_REQUESTS and RATE_LIMIT_UPSTREAM_CALLS per RATE_LIMIT_WINDOW_SECONDS per caller (src/http/rate-limit.ts); 0 = no limit. */
  rateLimit: RateLimitConfig;
  /** TRUST_PROXY: which peers are proxies whose X-Forwarded-For names the client (src/http/client-address.ts); null = none, the peer is the client. */
  trustProxy: TrustProxy | null;
  /** REDIS_URL: state shared by every instance (rate-limit counters, GDC upload resume state) lives there; null = in this process. */
  redisUrl: string | null;
  /** OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP base URL; spans go to <endpoint>/v1/traces) and OTEL_SERVICE_NAME; null endpoint = no tracing, nothing of OpenTelemetry loaded. */
  tracing: { endpoint: string | null; serviceName: string };
  /** Reads one GraphQL operation may send upstream before it is refused (see datasources/upstream-calls.ts). */
  maxUpstreamCalls: number;
  limits: QueryLimits;
  auth: AuthConfig;
  /** How long in-flight requests may run on after SIGTERM/SIGINT before their sockets are closed. */
  shutdownGraceMs: number;
  /** A connection that has not sent a complete request head by then is closed (idle connect-only sockets). */
  headersTimeoutMs: number;
  /** Request bodies: size, compression, memory held at once, and the slowest rate accepted. */
  bodies: BodyConfig;
  /** ALLOWED_HOSTS: `Host` names accepted besides loopback ones when the Host check applies (loopback, no keys). */
  allowedHosts: string[];
  /** Which browser origins may call the API (CORS_ORIGINS, CORS_CREDENTIALS); none by default. */
  cors: CorsConfig;
  introspection: boolean;
  /** TRUSTED_DOCUMENTS: the only operations that run (a persisted-query manifest); null = any. */
  trustedDocuments: TrustedDocuments | null;
  /** CURSOR_SECRET: the key connection cursors are signed with, shared by instances; null = a key per process. */
  cursorSecret: string | null;
  sandbox: SandboxConfig;
  jobs: JobsConfig;
}

/** Durable jobs (issue 16): where they are kept, for how long, and the key their credentials are sealed with. */
export interface JobsConfig {
  /** DATA_DIR: the job store (SQLite) and spooled inputs. */
  dataDir: string;
  /** JOB_RETENTION_HOURS: an ended job, its results and spooled input are kept this long. */
  retentionHours: number;
  /** JOBS_ENCRYPTION_KEY: 32 bytes (64 hex digits or base64); null = credentials are never written to disk. */
  encryptionKey: Buffer | null;
  /** MAX_RUNNING_JOBS: jobs that run at once in this process; the others wait QUEUED, in order. */
  maxRunning: number;
  /** JOB_LOCK_SECONDS: with REDIS_URL, how long after an instance dies another takes over its running jobs. */
  lockSeconds: number;
}

export const DEFAULT_JOB_LOCK_SECONDS = 30;

export const DEFAULT_MAX_RUNNING_JOBS = 4;

/** What a request body may be (issue 18): checked before anything is parsed. */
export interface BodyConfig {
  /** MAX_REQUEST_BYTES: a non-upload body, as sent and after decompression. */
  maxRequestBytes: number;
  /** MAX_INFLIGHT_BODY_BYTES: request bodies held by the whole process at once; beyond it, 503 + Retry-After. */
  maxInflightBytes: number;
  /** ACCEPT_COMPRESSED_BODIES: gzip/deflate/br request bodies (inflated with the same cap); false = 415. */
  acceptCompressed: boolean;
  /** BODY_MIN_BYTES_PER_SECOND: a body (uploads too) arriving slower than this, averaged over the window, is cut. */
  minBytesPerSecond: number;
  /** BODY_RATE_WINDOW_MS: the window the rate is averaged over (and the grace before the first check). */
  rateWindowMs: number;
  /** MAX_WS_MESSAGE_BYTES: one GraphQL-over-WebSocket message from a client (connection_init, subscribe); beyond it the socket closes with 1009. */
  maxWsMessageBytes: number;
  /** MAX_WS_CONNECTIONS_PER_CALLER: WebSockets one caller (src/caller-key.ts) holds open at once; beyond it the upgrade is refused with 429. */
  maxWsConnectionsPerCaller: number;
  /** MAX_WS_SUBSCRIPTIONS_PER_SOCKET: subscriptions running at once on one WebSocket; beyond it a `subscribe` gets an error message. */
  maxWsSubscriptionsPerSocket: number;
  /** WS_CONNECTION_INIT_TIMEOUT_MS: a WebSocket that sends no connection_init within it is closed with 4408. */
  wsConnectionInitTimeoutMs: number;
}

export const MiB_BYTES = 1024 * 1024;
export const DEFAULT_BODIES: BodyConfig = {
  maxRequestBytes: MiB_BYTES,
  maxInflightBytes: 256 * MiB_BYTES,
  acceptCompressed: true,
  minBytesPerSecond: 1024,
  rateWindowMs: 10_000,
  maxWsMessageBytes: 64 * 1024,
  maxWsConnectionsPerCaller: 64,
  maxWsSubscriptionsPerSocket: 100,
  wsConnectionInitTimeoutMs: 3_000,
};

/** Cross-origin browser callers: which origins may call (and, with h14's CORS headers, read answers). */
export interface CorsConfig {
  /** CORS_ORIGINS: exact origins (`https://app.example.org`), or `*` (only without CORS_CREDENTIALS). */
  origins: string[];
  /** CORS_CREDENTIALS: browsers may send cookies/Authorization cross-origin. */
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
  /** S3_SOURCE_BUCKETS: the only buckets `s3://` sources are read from with the gateway's AWS credentials (none by default). */
  s3SourceBuckets: string[];
  /** ENCODE_ALLOW_USERS: user records are reachable like submission records (see rules/encode/reach.ts). */
  allowUsers: boolean;
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
 * 8 MiB × 6 in flight (+1 being filled): about 56 MiB per upload. ENCODE and GDC uploads reuse
 * their part buffers (src/datasources/s3/parts.ts), so spent parts do not wait for V8's collection.
 * Six, not three: S3 answers each part after a round trip and some work of its own, and with
 * three in flight it waited for parts. A 1 GiB upload to the sandbox S3 took 9.4-10.0 s with
 * three against aws s3 cp's 8.0-8.3 s (82-87%), 8.3-9.4 s with six (89-95% across four runs;
 * `npm run bench -- upload`); the aws CLI itself keeps ten in flight.
 */
export const DEFAULT_UPLOAD_PARALLEL_PARTS = 6;
/** About 448 MiB of parts in flight at the defaults above. */
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
  /** MAX_SAME_NAME_FIELDS: fields under one response key in one selection set (fragments merged in, as validation compares them pairwise). */
  sameNameFields: number;
  /** MAX_FRAGMENT_SPREADS: distinct fragments spread in one selection set (validation compares them pairwise). */
  fragmentSpreads: number;
  /** MAX_TOKENS: lexical tokens of one document (the parser stops there). */
  tokens: number;
  /** MAX_INPUT_DEPTH: nesting of JSON input (variables, JSON documents) and of literals in the query. */
  inputDepth: number;
  /** MAX_JSON_KEYS: keys of one object in JSON input (bodies, variables, JSON documents). */
  jsonKeys: number;
  /** MAX_JSON_NODES: values in one JSON input, all levels together. */
  jsonNodes: number;
  /** MAX_JSON_STRING_LENGTH: characters of one string in JSON input. */
  jsonStringLength: number;
  /** MAX_LIST_ITEMS: items of one list in a request (variables, literals); checked while the body is parsed. */
  listItems: number;
  /** MAX_COLUMNS: columns of one TSV/CSV document, checked on its header line. */
  columns: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  aliases: 30,
  rootFields: 20,
  depth: 15,
  // Validation is quadratic in both (graphql-js OverlappingFieldsCanBeMerged): 50 costs about 2 ms, 1,000 about a second.
  sameNameFields: 50,
  fragmentSpreads: 50,
  tokens: 20_000,
  inputDepth: 64,
  jsonKeys: 1_000,
  jsonNodes: 500_000,
  // A document may come inline as one string: strings cost their size, not a multiple, so the body's budget is theirs.
  jsonStringLength: 100 * 1024 * 1024,
  listItems: 10_000,
  columns: DEFAULT_MAX_COLUMNS,
};

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
  /** SANDBOX_DATA_DIR: where the sandbox keeps its records and files across restarts; null = in memory. */
  dataDir: string | null;
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

export interface RateLimitConfig {
  /** Requests one caller may make per window; 0 = unlimited. */
  requests: number;
  /** Upstream calls one caller's operations may send per window; once spent, the caller's next request is refused. 0 = unlimited. */
  upstreamCalls: number;
  windowSeconds: number;
  /**
   * With REDIS_URL: a request goes on before its check on Redis settles while the caller had used
   * less than this percentage of each limit when last read (src/http/caller-readings.ts); 0 = every
   * request waits for its check.
   */
  aheadPercent: number;
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
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new ConfigError(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** A TCP port; 0 picks a free one. */
function port(env: Env, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n > 65535) throw new ConfigError(`${name} must be a port between 0 and 65535, got '${str(env, name)}'`);
  return n;
}

/** Node's timers hold at most 2^31-1 ms; a longer delay fires after 1 ms instead (with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function millis(env: Env, name: string, fallback: number, min = 0): number {
  const n = int(env, name, fallback);
  if (n < min || n > MAX_TIMER_MS) throw new ConfigError(`${name} must be between ${min} and ${MAX_TIMER_MS} (milliseconds), got '${str(env, name)}'`);
  return n;
}

function seconds(env: Env, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  const max = Math.floor(MAX_TIMER_MS / 1000);
  if (n > max) throw new ConfigError(`${name} must be between 0 and ${max} (seconds), got '${str(env, name)}'`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(env, name);
  if (v === null) return fallback;
  const lower = v.toLowerCase() as T;
  if (!allowed.includes(lower)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return lower;
}

/** An IP address or a host name (what `listen` takes); a name that does not resolve fails at listen. */
function host(env: Env): string {
  const v = str(env, 'HOST') ?? '127.0.0.1';
  if (net.isIP(v) || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(v)) return v;
  throw new ConfigError(`HOST must be an IP address or a host name such as 0.0.0.0 or localhost, got '${v}'`);
}

/** A file or folder the sandbox reads at start: named here when missing, not as a stack later. */
function existingPath(env: Env, name: string): string | null {
  const v = str(env, name);
  if (v !== null && !fs.existsSync(v)) throw new ConfigError(`${name} '${v}' does not exist`);
  return v;
}

/** Pretty lines only for a person at a terminal; a service (production) or a pipe gets JSON. */
export function defaultLogFormat(env: Env, stdoutIsTty: boolean): LogFormat {
  return stdoutIsTty && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = str(env, name)?.toLowerCase();
  if (v === undefined || v === null) return fallback;
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got '${env[name]}'`);
}

function percent(env: Env, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n > 100) throw new ConfigError(`${name} must be a percentage between 0 and 100, got '${str(env, name)}'`);
  return n;
}

/** A positive integer: a limit of 0 would refuse everything. */
function positive(env: Env, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n === 0) throw new ConfigError(`${name} must be at least 1`);
  return n;
}

function url(env: Env, name: string): string | null {
  const v = str(env, name);
  if (v === null) return null;
  try {
    const u = new URL(v);
    return u.toString().replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${name} must be an absolute URL such as https://www.encodeproject.org, got '${v}'`);
  }
}

/** An http(s) URL, as OpenTelemetry's exporters take it. */
function httpUrl(env: Env, name: string, example: string): string | null {
  const v = str(env, name);
  if (v === null) return null;
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    // reported below
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new ConfigError(`${name} must be an http(s) URL such as ${example}, got '${u ? withoutUserInfo(v) : '(not a URL)'}'`);
  return v.replace(/\/+$/, '');
}

/** redis:// or rediss:// (TLS); a password in it is never echoed back in the error. */
function trustProxy(env: Env): TrustProxy | null {
  const v = str(env, 'TRUST_PROXY');
  if (v === null) return null;
  try {
    return parseTrustProxy(v);
  } catch (e) {
    throw new ConfigError(`TRUST_PROXY must be a hop count or a comma-separated list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal), got '${v}' (${(e as Error).message})`);
  }
}

function redisUrl(env: Env): string | null {
  const v = str(env, 'REDIS_URL');
  if (v === null) return null;
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    // reported below
  }
  if (!u || (u.protocol !== 'redis:' && u.protocol !== 'rediss:') || !u.hostname) {
    throw new ConfigError(`REDIS_URL must be a URL such as redis://redis:6379 or rediss://user:password@host:6380/0, got '${u ? withoutUserInfo(v) : '(not a URL)'}'`);
  }
  return v;
}

function gdcToken(env: Env): string | null {
  const direct = str(env, 'GDC_TOKEN');
  if (direct) return direct;
  const file = str(env, 'GDC_TOKEN_FILE');
  if (!file) return null;
  try {
    return fs.readFileSync(file, 'utf8').trim() || null;
  } catch (err) {
    throw new ConfigError(`GDC_TOKEN_FILE '${file}' cannot be read: ${(err as Error).message}`);
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
      throw new ConfigError(`GATEWAY_API_KEYS_FILE '${file}' cannot be read: ${(err as Error).message}`);
    }
  }
  const trimmed = keys.map((k) => k.trim()).filter(Boolean);
  const short = trimmed.find((k) => k.length < 16);
  if (short !== undefined) throw new ConfigError('GATEWAY_API_KEYS: every key must be at least 16 characters long');
  return [...new Set(trimmed)];
}

function list(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** CORS_ORIGINS as exact origins (scheme://host[:port], no path), `*` only without CORS_CREDENTIALS. */
function cors(env: Env): CorsConfig {
  const credentials = bool(env, 'CORS_CREDENTIALS', false);
  const origins = list(env, 'CORS_ORIGINS').map((o) => {
    if (o === '*') {
      if (credentials) throw new Error("CORS_ORIGINS may not be '*' when CORS_CREDENTIALS is true: name the origins");
      return o;
    }
    let parsed: URL;
    try {
      parsed = new URL(o);
    } catch {
      throw new Error(`CORS_ORIGINS must list origins such as https://app.example.org, got '${o}'`);
    }
    if (parsed.origin === 'null' || parsed.origin !== o.replace(/\/$/, '').toLowerCase()) {
      throw new Error(`CORS_ORIGINS must list origins (scheme://host[:port], no path), got '${o}'`);
    }
    return parsed.origin;
  });
  return { origins, credentials };
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: port(env, 'PORT', 4000),
    host: host(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf<LogFormat>(env, 'LOG_FORMAT', ['json', 'pretty'], defaultLogFormat(env, Boolean(process.stdout.isTTY))),
    accessLog: oneOf<AccessLogMode>(env, 'ACCESS_LOG', ['all', 'errors', 'off'], 'all'),
    encodeUrl: url(env, 'ENCODE_URL'),
    gdcUrl: url(env, 'GDC_URL'),
    encodeKey: str(env, 'DCC_API_KEY'),
    encodeSecret: str(env, 'DCC_SECRET_KEY'),
    gdcToken: gdcToken(env),
    upstreamTimeoutMs: millis(env, 'UPSTREAM_TIMEOUT_MS', 60_000, 1),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 100 * 1024 * 1024),
    schemaRefreshSeconds: seconds(env, 'SCHEMA_REFRESH_SECONDS', 300),
    encode: encodeWrites(env),
    uploads: uploadConfig(env),
    maxUpstreamCalls: positive(env, 'MAX_UPSTREAM_CALLS', 50),
    rateLimit: {
      requests: int(env, 'RATE_LIMIT_REQUESTS', 0),
      upstreamCalls: int(env, 'RATE_LIMIT_UPSTREAM_CALLS', 0),
      windowSeconds: positive(env, 'RATE_LIMIT_WINDOW_SECONDS', 60),
      aheadPercent: percent(env, 'RATE_LIMIT_AHEAD_PERCENT', 50),
    },
    trustProxy: trustProxy(env),
    redisUrl: redisUrl(env),
    tracing: { endpoint: httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'http://otel-collector:4318'), serviceName: str(env, 'OTEL_SERVICE_NAME') ?? 'submission-gateway' },
    limits: {
      aliases: int(env, 'MAX_ALIASES', DEFAULT_LIMITS.aliases),
      rootFields: positive(env, 'MAX_ROOT_FIELDS', DEFAULT_LIMITS.rootFields),
      depth: positive(env, 'MAX_DEPTH', DEFAULT_LIMITS.depth),
      sameNameFields: positive(env, 'MAX_SAME_NAME_FIELDS', DEFAULT_LIMITS.sameNameFields),
      fragmentSpreads: positive(env, 'MAX_FRAGMENT_SPREADS', DEFAULT_LIMITS.fragmentSpreads),
      tokens: positive(env, 'MAX_TOKENS', DEFAULT_LIMITS.tokens),
      inputDepth: positive(env, 'MAX_INPUT_DEPTH', DEFAULT_LIMITS.inputDepth),
      jsonKeys: positive(env, 'MAX_JSON_KEYS', DEFAULT_LIMITS.jsonKeys),
      jsonNodes: positive(env, 'MAX_JSON_NODES', DEFAULT_LIMITS.jsonNodes),
      jsonStringLength: positive(env, 'MAX_JSON_STRING_LENGTH', DEFAULT_LIMITS.jsonStringLength),
      listItems: positive(env, 'MAX_LIST_ITEMS', DEFAULT_LIMITS.listItems),
      columns: positive(env, 'MAX_COLUMNS', DEFAULT_LIMITS.columns),
    },
    auth: { apiKeys: apiKeys(env), allowCredentialFallback: bool(env, 'ALLOW_CREDENTIAL_FALLBACK', false) },
    shutdownGraceMs: millis(env, 'SHUTDOWN_GRACE_MS', 25_000),
    headersTimeoutMs: millis(env, 'HEADERS_TIMEOUT_MS', 20_000, 1),
    bodies: {
      maxRequestBytes: positive(env, 'MAX_REQUEST_BYTES', DEFAULT_BODIES.maxRequestBytes),
      maxInflightBytes: positive(env, 'MAX_INFLIGHT_BODY_BYTES', DEFAULT_BODIES.maxInflightBytes),
      acceptCompressed: bool(env, 'ACCEPT_COMPRESSED_BODIES', DEFAULT_BODIES.acceptCompressed),
      minBytesPerSecond: int(env, 'BODY_MIN_BYTES_PER_SECOND', DEFAULT_BODIES.minBytesPerSecond),
      rateWindowMs: positive(env, 'BODY_RATE_WINDOW_MS', DEFAULT_BODIES.rateWindowMs),
      maxWsMessageBytes: positive(env, 'MAX_WS_MESSAGE_BYTES', DEFAULT_BODIES.maxWsMessageBytes),
      maxWsConnectionsPerCaller: positive(env, 'MAX_WS_CONNECTIONS_PER_CALLER', DEFAULT_BODIES.maxWsConnectionsPerCaller),
      maxWsSubscriptionsPerSocket: positive(env, 'MAX_WS_SUBSCRIPTIONS_PER_SOCKET', DEFAULT_BODIES.maxWsSubscriptionsPerSocket),
      wsConnectionInitTimeoutMs: millis(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', DEFAULT_BODIES.wsConnectionInitTimeoutMs, 1),
    },
    allowedHosts: list(env, 'ALLOWED_HOSTS').map((h) => h.toLowerCase()),
    cors: cors(env),
    introspection: bool(env, 'INTROSPECTION', true),
    trustedDocuments: trustedDocuments(env),
    cursorSecret: cursorSecret(env),
    sandbox: sandboxSchemas(env),
    jobs: jobsConfig(env),
  };
}

/** The shortest CURSOR_SECRET accepted (about 190 bits as base64, 128 as hex). */
export const MIN_CURSOR_SECRET_LENGTH = 32;

/** A secret never appears in the message, only its length. */
function cursorSecret(env: Env): string | null {
  const v = str(env, 'CURSOR_SECRET');
  if (v !== null && v.length < MIN_CURSOR_SECRET_LENGTH) {
    throw new ConfigError(`CURSOR_SECRET must be at least ${MIN_CURSOR_SECRET_LENGTH} characters (e.g. the output of openssl rand -hex 32), got ${v.length}`);
  }
  return v;
}

function trustedDocuments(env: Env): TrustedDocuments | null {
  const file = str(env, 'TRUSTED_DOCUMENTS');
  return file === null ? null : loadTrustedDocuments(file);
}


function encodeWrites(env: Env): EncodeWriteConfig {
  const concurrency = int(env, 'ENCODE_WRITE_CONCURRENCY', 8);
  if (concurrency < 1 || concurrency > 64) throw new ConfigError(`ENCODE_WRITE_CONCURRENCY must be between 1 and 64, got '${concurrency}'`);
  const uploadRoot = str(env, 'UPLOAD_ROOT');
  if (uploadRoot !== null && !fs.existsSync(uploadRoot)) throw new ConfigError(`UPLOAD_ROOT '${uploadRoot}' does not exist`);
  return {
    award: str(env, 'DCC_AWARD'),
    lab: str(env, 'DCC_LAB'),
    uploadRoot: uploadRoot === null ? null : fs.realpathSync(uploadRoot),
    writeConcurrency: concurrency,
    s3Endpoint: url(env, 'AWS_ENDPOINT_URL_S3') ?? url(env, 'AWS_ENDPOINT_URL'),
    s3SourceBuckets: bucketList(env, 'S3_SOURCE_BUCKETS'),
    allowUsers: bool(env, 'ENCODE_ALLOW_USERS', false),
  };
}

/** S3 bucket names (3 to 63 lower-case letters, digits, `.` and `-`), comma-separated. */
function bucketList(env: Env, name: string): string[] {
  const buckets = (str(env, name) ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const bad = buckets.find((b) => !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b));
  if (bad !== undefined) throw new Error(`${name} must be comma-separated S3 bucket names (lower case, digits, . and -), got '${bad}'`);
  return [...new Set(buckets)];
}

function uploadConfig(env: Env): UploadConfig {
  const maxDataFileBytes = int(env, 'MAX_DATA_FILE_BYTES', DEFAULT_MAX_DATA_FILE_BYTES);
  if (maxDataFileBytes > S3_MAX_OBJECT_BYTES) throw new ConfigError(`MAX_DATA_FILE_BYTES must be at most ${S3_MAX_OBJECT_BYTES} (5 TiB, S3's largest object), got ${maxDataFileBytes}`);
  const partBytes = int(env, 'UPLOAD_PART_BYTES', DEFAULT_UPLOAD_PART_BYTES);
  if (partBytes < 5 * MiB) throw new ConfigError(`UPLOAD_PART_BYTES must be at least ${5 * MiB} (5 MiB, S3's smallest part), got ${partBytes}`);
  const parallelParts = int(env, 'UPLOAD_PARALLEL_PARTS', DEFAULT_UPLOAD_PARALLEL_PARTS);
  if (parallelParts < 1) throw new ConfigError('UPLOAD_PARALLEL_PARTS must be at least 1');
  const maxConcurrent = int(env, 'MAX_CONCURRENT_UPLOADS', DEFAULT_MAX_CONCURRENT_UPLOADS);
  if (maxConcurrent < 1) throw new ConfigError('MAX_CONCURRENT_UPLOADS must be at least 1');
  return {
    maxDataFileBytes,
    encodeS3Endpoint: url(env, 'ENCODE_S3_ENDPOINT'),
    encodeS3Region: region(env),
    partBytes,
    parallelParts,
    maxConcurrent,
  };
}

/** An AWS region name (us-west-2): anything else would only fail at the first upload. */
function region(env: Env): string {
  const v = str(env, 'ENCODE_S3_REGION') ?? DEFAULT_ENCODE_S3_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v)) throw new ConfigError(`ENCODE_S3_REGION must be an AWS region such as us-west-2, got '${v}'`);
  return v;
}

/**
 * `SANDBOX_SCHEMAS=real` puts the sandbox on the real ENCODE profiles (with the real inserts loaded)
 * and the real GDC dictionary shipped in data/; `starter` (the default) on the small built-in set.
 * `SANDBOX_ENCODE_PROFILES`, `SANDBOX_ENCODE_SEED` and `SANDBOX_GDC_DICTIONARY` override either.
 */
function sandboxSchemas(env: Env): SandboxConfig {
  const schemas = str(env, 'SANDBOX_SCHEMAS') ?? 'starter';
  if (schemas !== 'starter' && schemas !== 'real') throw new ConfigError(`SANDBOX_SCHEMAS must be 'starter' or 'real', got '${schemas}'`);
  const real = schemas === 'real' ? REAL_DATA : null;
  const seed = str(env, 'SANDBOX_ENCODE_SEED');
  return {
    encodeProfiles: existingPath(env, 'SANDBOX_ENCODE_PROFILES') ?? real?.encodeProfiles ?? null,
    encodeSeed: seed === 'none' ? null : (seed === null ? undefined : existingPath(env, 'SANDBOX_ENCODE_SEED')!),
    gdcDictionary: existingPath(env, 'SANDBOX_GDC_DICTIONARY') ?? real?.gdcDictionary ?? null,
    s3Dir: str(env, 'SANDBOX_S3_DIR'),
    gdcFilesDir: str(env, 'SANDBOX_GDC_FILES_DIR'),
    dataDir: str(env, 'SANDBOX_DATA_DIR'),
    encodePort: port(env, 'SANDBOX_ENCODE_PORT', 0),
    gdcPort: port(env, 'SANDBOX_GDC_PORT', 0),
    s3Port: port(env, 'SANDBOX_S3_PORT', 0),
  };
}

function jobsConfig(env: Env): JobsConfig {
  return {
    dataDir: str(env, 'DATA_DIR') ?? './.data',
    retentionHours: positive(env, 'JOB_RETENTION_HOURS', 24),
    encryptionKey: encryptionKey(env),
    maxRunning: positive(env, 'MAX_RUNNING_JOBS', DEFAULT_MAX_RUNNING_JOBS),
    lockSeconds: positive(env, 'JOB_LOCK_SECONDS', DEFAULT_JOB_LOCK_SECONDS),
  };
}

/** AES-256-GCM needs exactly 32 bytes; a shorter key would be a silent weakening, so it is refused. */
function encryptionKey(env: Env): Buffer | null {
  const v = str(env, 'JOBS_ENCRYPTION_KEY');
  if (v === null) return null;
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(v)) return Buffer.from(v, 'base64');
  throw new ConfigError('JOBS_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or 44 base64 characters (openssl rand -hex 32); the value given is not');
}
