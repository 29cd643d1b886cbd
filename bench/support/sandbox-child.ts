import { startSandbox, type SandboxOptions } from '../../src/sandbox';
import { ready } from './child';

/** The sandbox emulators alone in this process: the upstream of a benchmark. */
async function main(): Promise<void> {
  const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? '{}') as SandboxOptions);
  ready({ encodeUrl: sandbox.encode!.url, gdcUrl: sandbox.gdc!.url, encode: sandbox.encode!.credentials, gdcToken: sandbox.gdc!.token }, sandbox.stop);
}

void main();
