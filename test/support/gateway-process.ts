import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { START_NODE_FLAGS } from './start-command';

const ROOT = path.resolve(__dirname, '../..');
/** USER_HZ: the unit of CPU times in /proc, 100 on every Linux build that matters here. */
const CLOCK_TICKS = 100;

/**
 * The gateway as its own process (src/server.ts compiled to one file with esbuild, packages left
 * to node), so its memory can be read from /proc without the measuring process or an emulator in
 * it. tsx would add its own transpiler state (~60 MB) to what is measured.
 */
export interface GatewayProcess {
  child: ChildProcess;
  graphqlUrl: string;
  pid: number;
  /** Resident set size now and its high-water mark since start, in MB (Linux /proc). */
  memory(): { rssMb: number; peakMb: number };
  /** CPU time (user + system, all threads) the process has used since start, in seconds (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const outdir = path.join(ROOT, 'node_modules', '.cache', 'submission-gateway-bench');
  const outfile = path.join(outdir, 'server.js');
  const esbuild = await import('esbuild');
  // The sandbox child beside the server, where src/sandbox-process.ts looks for it (as in dist/).
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'server.ts'), path.join(ROOT, 'src', 'sandbox', 'child.ts')],
    outbase: path.join(ROOT, 'src'),
    outdir,
    bundle: true,
    platform: 'node',
    packages: 'external',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  // With npm start's node flags, as users run it (./start-command.ts).
  const child = spawn(process.execPath, [...START_NODE_FLAGS, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), outfile], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`gateway not ready after 60 s:\n${text}`)), 60_000);
    const onData = (d: Buffer) => {
      text += d;
      // The ready line: a JSON log line with the GraphQL URL (or, from older builds, plain text).
      const url = /"graphql":"([^"]+)"/.exec(text)?.[1] ?? /GraphQL \(and GraphiQL in a browser\) at (\S+)\n/.exec(text)?.[1];
      if (url) {
        clearTimeout(timer);
        // From here the output (one access line per request) is only drained, so the process never blocks on it.
        child.stdout!.off('data', onData);
        child.stdout!.on('data', () => undefined);
        resolve(url);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (text += d));
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${text}`)));
  });
  // BENCH_CHILD_LOG=file keeps the process's own output (e.g. with NODE_OPTIONS=--trace-gc).
  if (process.env.BENCH_CHILD_LOG) {
    const log = createWriteStream(process.env.BENCH_CHILD_LOG);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  const pid = child.pid!;
  return {
    child,
    graphqlUrl,
    pid,
    memory() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    cpuSeconds() {
      // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks, counted after the command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
