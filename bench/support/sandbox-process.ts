/**
 * The sandbox (ENCODE portal, S3, GDC) in a process of its own, for benchmarks that must not share
 * an event loop or a memory count with what they measure. Prints one JSON line with its URLs and
 * credentials, then runs until stdin closes or it is signalled. The build's code (./built.ts).
 */
import { built } from './built';

async function main(): Promise<void> {
  const { startSandbox } = built<typeof import('../../src/sandbox')>('src/sandbox');
  const sandbox = await startSandbox({ s3Dir: process.env.SANDBOX_S3_DIR ?? null });
  const stop = () => void sandbox.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop).resume();
  const s3 = sandbox.s3!;
  console.log(
    JSON.stringify({
      encode: { url: sandbox.encode!.url, key: sandbox.encode!.credentials.key, secret: sandbox.encode!.credentials.secret },
      gdc: { url: sandbox.gdc!.url, token: sandbox.gdc!.token },
      pid: process.pid,
      s3: { url: s3.url, bucket: s3.bucket, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, directory: s3.directory },
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
