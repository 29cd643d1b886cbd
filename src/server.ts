import { type Config, ConfigError, loadConfig, withoutUserInfo } from './config';
import { type Credentials, operatorScope } from './credentials';
import { type RunningGateway, startGateway } from './gateway';
import { createLogger } from './logger';
import { packageVersion } from './version';
import { logTraceIds, type Tracer } from './plugins/tracing';
import { type SandboxProcess, startSandboxProcess } from './sandbox-process';

type Logger = ReturnType<typeof createLogger>;
type SharedRedis = Awaited<ReturnType<typeof import('./redis').connectRedis>>;

/**
 * The embedded emulators, for the upstreams without a URL, in a child process of their own: the
 * gateway never loads src/sandbox, and a heavy sandbox request never stalls it.
 */
async function startSandboxFor(config: Config, encode: boolean, gdc: boolean, logger: Logger): Promise<SandboxProcess | null> {
  if (!encode && !gdc) return null;
  return startSandboxProcess(
    {
      encode,
      gdc,
      encodeProfiles: config.sandbox.encodeProfiles,
      encodeSeed: config.sandbox.encodeSeed,
      gdcDictionary: config.sandbox.gdcDictionary,
      s3Dir: config.sandbox.s3Dir,
      gdcFilesDir: config.sandbox.gdcFilesDir,
      dataDir: config.sandbox.dataDir,
      maxColumns: config.limits.columns,
      ports: { encode: config.sandbox.encodePort, gdc: config.sandbox.gdcPort, s3: config.sandbox.s3Port },
    },
    logger,
  );
}

function operatorCredentials(config: Config, logger: Logger): Credentials {
  const operator: Credentials = {
    encode: config.encodeKey && config.encodeSecret ? { key: config.encodeKey, secret: config.encodeSecret } : null,
    gdcToken: config.gdcToken,
  };
  if ((operator.encode || operator.gdcToken) && operatorScope(config.auth.apiKeys, config.host) === 'nobody') {
    logger.warn(
      { host: config.host },
      'DCC_API_KEY/GDC_TOKEN are set but will not be used: the gateway listens beyond loopback without GATEWAY_API_KEYS, so callers must send their own credentials',
    );
  }
  return operator;
}

/**
 * Composition root: configuration → upstreams (real, or the embedded sandbox for any upstream
 * without a URL) → the gateway. The only place the gateway and the sandbox meet. It owns
 * shutdown: on SIGTERM/SIGINT the gateway drains (SHUTDOWN_GRACE_MS), then the sandbox stops,
 * then the process exits 0.
 */
async function main(logger: Logger, config: Config): Promise<void> {
  let sandbox: SandboxProcess | null = null;
  let gateway: RunningGateway | null = null;
  let redis: SharedRedis | null = null;
  let tracer: Tracer | null = null;
  // Handlers first: a signal that arrives before them would end the process with no clean-up.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs, running: gateway?.lifecycle.running ?? 0 }, 'shutting down: finishing requests in flight');
    // Should anything hang past the grace period, the process still ends.
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(0);
    }, config.shutdownGraceMs + 10_000).unref();
    await gateway?.stop(config.shutdownGraceMs);
    await redis?.quit().catch(() => undefined);
    // The last spans (this shutdown's requests) are sent before the process ends.
    await tracer?.shutdown().catch(() => undefined);
    await sandbox?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // Only with OTEL_EXPORTER_OTLP_ENDPOINT: otherwise nothing of OpenTelemetry is loaded.
  if (config.tracing.endpoint) {
    tracer = (await import('./plugins/otel')).otelTracer({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName, version: packageVersion() });
  }
  // Only with REDIS_URL: otherwise ioredis is never loaded.
  if (config.redisUrl) redis = await (await import('./redis')).connectRedis(config.redisUrl, logger);
  if (stopping) return void redis?.disconnect();
  const needEncode = !config.encodeUrl;
  const needGdc = !config.gdcUrl;
  sandbox = await startSandboxFor(config, needEncode, needGdc, logger);
  if (stopping) return void (await sandbox?.stop());
  const encodeUrl = config.encodeUrl ?? sandbox!.encode!.url;
  const gdcUrl = config.gdcUrl ?? sandbox!.gdc!.url;
  gateway = await startGateway({
    encodeUrl,
    gdcUrl,
    sandbox: { encode: needEncode, gdc: needGdc },
    defaults: { encode: sandbox?.encode?.credentials ?? null, gdcToken: sandbox?.gdc?.token ?? null },
    operator: operatorCredentials(config, logger),
    apiKeys: config.auth.apiKeys,
    allowCredentialFallback: config.auth.allowCredentialFallback,
    logger,
    accessLog: config.accessLog,
    port: config.port,
    host: config.host,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    maxUploadBytes: config.maxUploadBytes,
    schemaRefreshSeconds: config.schemaRefreshSeconds,
    encode: config.encode,
    uploads: {
      ...config.uploads,
      // ENCODE's upload credentials name a bucket; with the sandbox portal it lives in the sandbox S3.
      encodeS3Endpoint: config.uploads.encodeS3Endpoint ?? (needEncode ? (sandbox?.s3?.url ?? null) : null),
    },
    maxUpstreamCalls: config.maxUpstreamCalls,
    rateLimit: config.rateLimit,
    trustProxy: config.trustProxy,
    redis,
    tracer,
    limits: config.limits,
    introspection: config.introspection,
    cors: config.cors,
    trustedDocuments: config.trustedDocuments,
    cursorSecret: config.cursorSecret,
    headersTimeoutMs: config.headersTimeoutMs,
    bodies: config.bodies,
    allowedHosts: config.allowedHosts,
    jobs: config.jobs,
  });
  if (sandbox) gateway.readiness.add(sandbox.readiness);
  if (stopping) return void (await gateway.stop());

  logger.info({ graphql: gateway.graphqlUrl }, `submission-gateway ready: GraphQL (and GraphiQL in a browser) at ${gateway.graphqlUrl}`);
  logger.info(`  ENCODE: ${withoutUserInfo(encodeUrl)}${needEncode ? ' (embedded sandbox)' : ''}`);
  logger.info(`  GDC:    ${withoutUserInfo(gdcUrl)}${needGdc ? ' (embedded sandbox)' : ''}`);
  if (sandbox?.s3) logger.info(`  S3:     ${sandbox.s3.url} bucket ${sandbox.s3.bucket} (embedded sandbox)`);
  if (config.auth.apiKeys.length) logger.info(`  callers need Authorization: Bearer <key> (${config.auth.apiKeys.length} GATEWAY_API_KEYS)`);
}

/** Why a start failed, in one line, when the cause is the operator's setting (no stack to read). */
function settingProblem(err: unknown, config: Config): string | null {
  if (err instanceof ConfigError) return err.message;
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string };
  const where = `${e.address ?? e.hostname ?? config.host}:${e.port ?? config.port}`;
  if (e.code === 'EADDRINUSE') return `${where} is already in use: set PORT (or the SANDBOX_*_PORT that names it) to a free port`;
  if (e.code === 'EACCES') return `${where} may not be listened on by this user: set PORT above 1023`;
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `HOST '${config.host}' is not an address of this machine (${e.code})`;
  return null;
}

let config: Config;
let logger: Logger;
try {
  config = loadConfig();
  // With tracing on, every line logged for a request carries its trace id (src/plugins/tracing.ts).
  logger = createLogger(config.logLevel, config.logFormat, config.tracing.endpoint ? logTraceIds : undefined);
} catch (err) {
  // Stderr, one line: the logger may be what the bad setting was for.
  console.error(`submission-gateway failed to start: ${(err as Error).message}`);
  process.exit(1);
}
main(logger, config).catch((err) => {
  const problem = settingProblem(err, config);
  if (problem) logger.fatal(`submission-gateway failed to start: ${problem}`);
  else logger.fatal({ err }, `submission-gateway failed to start: ${(err as Error).message}`);
  process.exit(1);
});
