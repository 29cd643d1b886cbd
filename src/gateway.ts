import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Tracer } from './plugins/tracing';
import type { Logger } from 'pino';
import { createGatewayApp } from './app';
import type { ContextDeps } from './context';
import { Cursors } from './graph/cursors';
import type { LiveGraph } from './graph/live';
import type { AccessLogMode, EncodeWriteConfig, JobsConfig, RateLimitConfig } from './config';
import { type BodyConfig, type CorsConfig, DEFAULT_BODIES, DEFAULT_ENCODE_S3_REGION, DEFAULT_LIMITS, DEFAULT_MAX_CONCURRENT_UPLOADS, DEFAULT_MAX_DATA_FILE_BYTES, DEFAULT_UPLOAD_PARALLEL_PARTS, DEFAULT_UPLOAD_PART_BYTES, type GatewayInfoModel, type QueryLimits, withoutUserInfo } from './config';
import { UploadSlots } from './services/upload-slots';
import { DiskUploadStates, UPLOAD_STATE_DIR, type UploadStates } from './services/upload-state';
import { RedisUploadStates } from './services/upload-state/redis';
import type { TrustedDocuments } from './plugins/trusted-documents';
import { type Credentials, operatorScope } from './credentials';
import type { UploadObserver } from './services/result';
import { UpstreamPool } from './datasources/http';
import { Lifecycle } from './lifecycle';
import { listen } from './listen';
import { recordUploadBytes } from './metrics';
import { Readiness, upstreamReachable } from './readiness';
import { packageVersion } from './version';
import { openJobs } from './jobs/open';
import { clientAddressRule, type TrustProxy } from './http/client-address';
import { stopIdleMd5Worker } from './services/md5-off-thread';

export interface GatewayOptions {
  encodeUrl: string;
  gdcUrl: string;
  /** Which of the two are the embedded sandbox (reported by gatewayInfo). */
  sandbox: { encode: boolean; gdc: boolean };
  /** The embedded sandbox's fixed, public credentials: used for callers who bring none. */
  defaults: Credentials;
  /** The operator's credentials (DCC_API_KEY/DCC_SECRET_KEY, GDC_TOKEN), lent as src/credentials.ts says. */
  operator?: Credentials;
  /** GATEWAY_API_KEYS: when any, every request needs `Authorization: Bearer <key>`. */
  apiKeys?: string[];
  allowCredentialFallback?: boolean;
  logger: Logger;
  /** DATA_DIR, JOB_RETENTION_HOURS, JOBS_ENCRYPTION_KEY; unset = jobs in a temporary folder (tests, scripts). */
  jobs?: JobsConfig;
  /** ACCESS_LOG: which requests get an access log line (default all). */
  accessLog?: AccessLogMode;
  port?: number;
  host?: string;
  upstreamTimeoutMs?: number;
  maxUploadBytes?: number;
  uploads?: GatewayUploadOptions;
  /** MAX_UPSTREAM_CALLS: reads one operation may send upstream (see datasources/upstream-calls.ts). */
  maxUpstreamCalls?: number;
  /** RATE_LIMIT_REQUESTS and RATE_LIMIT_UPSTREAM_CALLS per RATE_LIMIT_WINDOW_SECONDS per caller; off by default. */
  rateLimit?: RateLimitConfig;
  /** TRUST_PROXY: proxies whose X-Forwarded-For names the client (rate limits, access log); none by default. */
  trustProxy?: TrustProxy | null;
  /** REDIS_URL's connection (src/redis.ts): rate-limit counters and GDC upload resume state shared by every instance. The caller owns it (closes it after stop). */
  redis?: Redis | null;
  /** OpenTelemetry tracing (src/plugins/otel.ts); null/absent = none. The caller shuts it down after stop. */
  tracer?: Tracer | null;
  limits?: Partial<QueryLimits>;
  introspection?: boolean;
  /** Browser origins allowed to call the API (CORS_ORIGINS/CORS_CREDENTIALS); none by default. */
  cors?: CorsConfig;
  /** TRUSTED_DOCUMENTS: only these operations run; unset = any (with automatic persisted queries). */
  trustedDocuments?: TrustedDocuments | null;
  headersTimeoutMs?: number;
  /** Request bodies (MAX_REQUEST_BYTES, MAX_INFLIGHT_BODY_BYTES, ACCEPT_COMPRESSED_BODIES, the minimum rate); unset fields take their defaults. */
  bodies?: Partial<BodyConfig>;
  /** ALLOWED_HOSTS: `Host` names served besides loopback ones (checked on loopback without API keys). */
  allowedHosts?: string[];
  version?: string;
  /** Re-read the ENCODE profiles and GDC dictionary this often and swap the schema when they change; 0 = never. */
  schemaRefreshSeconds?: number;
  /** ENCODE registration defaults and limits; unset fields take their defaults. */
  encode?: Partial<EncodeWriteConfig>;
  /** Tests: where jobs are read and their changes heard instead of the store and its bus, and the event pacing. */
  jobUpdates?: Partial<Pick<ContextDeps['jobs'], 'reader' | 'updates' | 'timing'>>;
  /** CURSOR_SECRET: gateways with the same secret honour each other's connection cursors; unset = a key of this process. */
  cursorSecret?: string | null;
}

export const ENCODE_WRITE_DEFAULTS: EncodeWriteConfig = { award: null, lab: null, uploadRoot: null, writeConcurrency: 8, s3Endpoint: null, s3SourceBuckets: [], allowUsers: false };
export interface GatewayUploadOptions {
  /** ENCODE's S3 endpoint; unset = AWS S3. The sandbox's S3 when ENCODE is the sandbox. */
  encodeS3Endpoint?: string | null;
  encodeS3Region?: string;
  maxDataFileBytes?: number;
  partBytes?: number;
  parallelParts?: number;
  /** MAX_CONCURRENT_UPLOADS: data file uploads under way at once in this process. */
  maxConcurrent?: number;
  observe?: UploadObserver;
}

export interface RunningGateway {
  url: string;
  graphqlUrl: string;
  /** The live schema: static SDL plus the typed graph generated from the upstream schemas. */
  graph: LiveGraph;
  lifecycle: Lifecycle;
  readiness: Readiness;
  /**
   * Graceful stop: at once /readyz answers 503 and every new request is refused with 503 and
   * `Connection: close` (the listener stays open, so probes and callers hear why); requests in
   * flight (uploads too) may finish within `graceMs`; then the listener and every socket close.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Connects to two upstreams (real or sandbox) and serves the GraphQL API. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const timeoutMs = options.upstreamTimeoutMs ?? 60_000;
  const host = options.host ?? '127.0.0.1';
  const apiKeys = options.apiKeys ?? [];
  const upstreams = {
    encode: new UpstreamPool('ENCODE', options.encodeUrl, { timeoutMs, logger: options.logger }),
    gdc: new UpstreamPool('GDC', options.gdcUrl, { timeoutMs, logger: options.logger }),
  };
  const info: GatewayInfoModel = {
    version: options.version ?? packageVersion(),
    sandbox: options.sandbox.encode || options.sandbox.gdc,
    upstreams: [
      { source: 'ENCODE', url: withoutUserInfo(options.encodeUrl), sandbox: options.sandbox.encode },
      { source: 'GDC', url: withoutUserInfo(options.gdcUrl), sandbox: options.sandbox.gdc },
    ],
  };
  const bodies: BodyConfig = { ...DEFAULT_BODIES, ...options.bodies };
  const lifecycle = new Lifecycle();
  const readiness = new Readiness(lifecycle);
  readiness.add(upstreamReachable(upstreams.encode, '/profiles/lab.json'));
  readiness.add(upstreamReachable(upstreams.gdc, '/v0/submission/_dictionary/program'));
  const jobs = await openJobs(options.jobs, options.redis ? { redis: options.redis, logger: options.logger } : null);
  const gateway = await createGatewayApp({
    jobStore: jobs,
    jobUpdates: options.jobUpdates,
    upstreams,
    info,
    logger: options.logger,
    accessLog: options.accessLog ?? 'all',
    maxUploadBytes: options.maxUploadBytes ?? 100 * 1024 * 1024,
    schemaRefreshSeconds: options.schemaRefreshSeconds ?? 0,
    schemaReadTimeoutMs: Math.min(timeoutMs, 15_000),
    encodeWrites: { ...ENCODE_WRITE_DEFAULTS, ...options.encode },
    uploads: {
      ...uploadSettings(options.uploads ?? {}),
      // With REDIS_URL an upload interrupted on this instance resumes through any other.
      resumeStates: resumeStates(options),
    },
    maxUpstreamCalls: options.maxUpstreamCalls ?? 50,
    rateLimit: options.rateLimit ?? { requests: 0, upstreamCalls: 0, windowSeconds: 60, aheadPercent: 50 },
    clientAddress: clientAddressRule(options.trustProxy ?? null),
    redis: options.redis ?? null,
    tracer: options.tracer ?? null,
    lifecycle,
    readiness,
    apiKeys,
    credentials: {
      operator: options.operator ?? { encode: null, gdcToken: null },
      sandbox: options.defaults,
      operatorScope: operatorScope(apiKeys, host),
      allowFallback: options.allowCredentialFallback ?? false,
    },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    introspection: options.introspection ?? true,
    bodies,
    callers: {
      // Only where the operator's credentials go to anyone who reaches the port (DNS rebinding).
      checkHost: operatorScope(apiKeys, host) === 'everyone',
      allowedHosts: options.allowedHosts ?? [],
      cors: options.cors ?? { origins: [], credentials: false },
    },
    cors: options.cors ?? { origins: [], credentials: false },
    trustedDocuments: options.trustedDocuments ?? null,
    cursors: new Cursors(options.cursorSecret ?? null),
  });
  const server = await listen(gateway.handler, options.port ?? 0, host, {
    headersTimeoutMs: options.headersTimeoutMs,
    bodyMinBytesPerSecond: bodies.minBytesPerSecond,
    bodyRateWindowMs: bodies.rateWindowMs,
    deferContinue: true,
  });
  const subscriptions = gateway.subscriptions(server.server);
  lifecycle.ready();
  // Jobs a restart interrupted continue (or wait for their owner's credentials) once the gateway serves.
  await gateway.runner.resumeInterrupted();
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${server.port}`;
  let stopped: Promise<void> | null = null;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    graph: gateway.graph,
    lifecycle,
    readiness,
    stop: (graceMs = 0) =>
      (stopped ??= (async () => {
        lifecycle.stopping();
        server.closeIdle();
        const drained = await lifecycle.drained(graceMs);
        if (!drained) options.logger.warn({ graceMs, running: lifecycle.running }, 'shutdown grace period over: closing requests still running');
        // Jobs stop after the transaction or slice under way and stay RUNNING: the next start resumes them.
        await gateway.runner.drain();
        // Subscriptions end with the socket close a client reconnects on (graphql-ws 1001).
        await subscriptions.close();
        await server.close();
        await gateway.stop();
        await Promise.all([upstreams.encode.close(), upstreams.gdc.close()]);
        await jobs.close();
        await stopIdleMd5Worker();
      })()),
  };
}

/**
 * Where unfinished multipart uploads are remembered: DATA_DIR/upload-state beside the jobs (which
 * resume through it), this machine's temporary folder without DATA_DIR; with REDIS_URL, Redis (an
 * upload interrupted on this instance resumes through any other), that disk while Redis is away.
 */
function resumeStates(options: GatewayOptions): UploadStates {
  const disk = new DiskUploadStates(options.jobs?.dataDir ? path.join(options.jobs.dataDir, 'upload-state') : UPLOAD_STATE_DIR);
  return options.redis ? new RedisUploadStates(options.redis, disk, options.logger) : disk;
}

function uploadSettings(o: GatewayUploadOptions) {
  return {
    s3: {
      endpoint: o.encodeS3Endpoint ?? null,
      region: o.encodeS3Region ?? DEFAULT_ENCODE_S3_REGION,
      partBytes: o.partBytes ?? DEFAULT_UPLOAD_PART_BYTES,
      parallelParts: o.parallelParts ?? DEFAULT_UPLOAD_PARALLEL_PARTS,
    },
    maxDataFileBytes: o.maxDataFileBytes ?? DEFAULT_MAX_DATA_FILE_BYTES,
    slots: new UploadSlots(o.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_UPLOADS),
    observe: o.observe ?? (({ source, bytes }: { source: string; bytes: number }) => recordUploadBytes(source, bytes)),
  };
}
