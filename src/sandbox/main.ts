import { loadConfig } from '../config';
import { ENCODE_SANDBOX_KEYS, GDC_SANDBOX_TOKENS, startSandbox } from '.';

/** `npm run sandbox`: the emulators on their own, for curl or any other client. */
async function main(): Promise<void> {
  const { sandbox: cfg, limits } = loadConfig();
  // Handlers first: a signal that arrives while the emulators start must still stop them cleanly.
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  let stopRequested = false;
  const stop = () => {
    stopRequested = true;
    if (sandbox) void sandbox.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  sandbox = await startSandbox({
    encodeProfiles: cfg.encodeProfiles,
    encodeSeed: cfg.encodeSeed,
    gdcDictionary: cfg.gdcDictionary,
    s3Dir: cfg.s3Dir,
    gdcFilesDir: cfg.gdcFilesDir,
    dataDir: cfg.dataDir,
    maxColumns: limits.columns,
    ports: { encode: cfg.encodePort || 8001, gdc: cfg.gdcPort || 8002, s3: cfg.s3Port || 8003 },
  });
  const { submitter, admin, viewer } = ENCODE_SANDBOX_KEYS;
  console.log(
    [
      'submission-gateway sandbox running:',
      `  ENCODE portal: ${sandbox.encode!.url}  (Basic auth ${submitter.id}:${submitter.secret}; admin ${admin.id}:${admin.secret}; read-only ${viewer.id}:${viewer.secret})`,
      `  GDC API:       ${sandbox.gdc!.url}/v0/submission  (X-Auth-Token: ${GDC_SANDBOX_TOKENS.submitter}; read-only ${GDC_SANDBOX_TOKENS.readonly})`,
      `  S3:            ${sandbox.s3!.url}  bucket ${sandbox.s3!.bucket}  (key ${sandbox.s3!.accessKeyId})`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  if (stopRequested) stop();
}

main().catch((err) => {
  console.error(`sandbox failed to start: ${(err as Error).message}`);
  process.exit(1);
});
