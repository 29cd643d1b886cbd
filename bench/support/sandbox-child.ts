import type { SandboxOptions } from '../../src/sandbox';
import { built } from './built';
import { ready } from './child';

/** The sandbox emulators alone in this process (the build's code, ./built.ts): the upstream of a benchmark. */
async function main(): Promise<void> {
  const { startSandbox } = built<typeof import('../../src/sandbox')>('src/sandbox');
  const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? '{}') as SandboxOptions);
  ready({ encodeUrl: sandbox.encode!.url, gdcUrl: sandbox.gdc!.url, encode: sandbox.encode!.credentials, gdcToken: sandbox.gdc!.token }, sandbox.stop);
}

void main();
