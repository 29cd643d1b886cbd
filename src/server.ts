import pino from 'pino';
import { loadConfig } from './config';
import { startGateway } from './gateway';

/**
 * Composition root: configuration → upstreams (real, or the embedded sandbox for any upstream
 * without a URL) → the gateway. The only place the gateway and the sandbox meet.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-auth-token"]'] });
  const needEncode = !config.encodeUrl;
  const needGdc = !config.gdcUrl;
  const sandbox =
    needEncode || needGdc
      ? // Imported only when needed: a gateway on the real upstreams never loads the emulators.
        await (await import('./sandbox')).startSandbox({
          encode: needEncode,
          gdc: needGdc,
          encodeProfiles: config.sandbox.encodeProfiles,
          encodeSeed: config.sandbox.encodeSeed,
          gdcDictionary: config.sandbox.gdcDictionary,
          s3Dir: config.sandbox.s3Dir,
          gdcFilesDir: config.sandbox.gdcFilesDir,
          ports: { encode: config.sandbox.encodePort, gdc: config.sandbox.gdcPort, s3: config.sandbox.s3Port },
        })
      : null;

  const encodeUrl = config.encodeUrl ?? sandbox!.encode!.url;
  const gdcUrl = config.gdcUrl ?? sandbox!.gdc!.url;
  const envEncode = config.encodeKey && config.encodeSecret ? { key: config.encodeKey, secret: config.encodeSecret } : null;
  const gateway = await startGateway({
    encodeUrl,
    gdcUrl,
    sandbox: { encode: needEncode, gdc: needGdc },
    defaults: {
      encode: envEncode ?? sandbox?.encode?.credentials ?? null,
      gdcToken: config.gdcToken ?? sandbox?.gdc?.token ?? null,
    },
    logger,
    port: config.port,
    host: config.host,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    maxUploadBytes: config.maxUploadBytes,
    uploads: {
      ...config.uploads,
      // ENCODE's upload credentials name a bucket; with the sandbox portal it lives in the sandbox S3.
      encodeS3Endpoint: config.uploads.encodeS3Endpoint ?? (needEncode ? (sandbox?.s3?.url ?? null) : null),
    },
    maxUpstreamCalls: config.maxUpstreamCalls,
    version: process.env.npm_package_version,
  });

  const lines = [
    `submission-gateway ready: GraphQL (and GraphiQL in a browser) at ${gateway.graphqlUrl}`,
    `  ENCODE: ${encodeUrl}${needEncode ? ' (embedded sandbox)' : ''}`,
    `  GDC:    ${gdcUrl}${needGdc ? ' (embedded sandbox)' : ''}`,
  ];
  if (sandbox?.s3) lines.push(`  S3:     ${sandbox.s3.url} bucket ${sandbox.s3.bucket} (embedded sandbox)`);
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await gateway.stop();
    await sandbox?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(`submission-gateway failed to start: ${(err as Error).message}`);
  process.exit(1);
});
