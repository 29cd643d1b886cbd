import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface RunningProcess {
  child: ChildProcess;
  /** Every JSON log line so far (the gateway logs through pino on stdout). */
  logs: LogLine[];
  /** Everything the process wrote, for failure messages. */
  output(): string;
  waitForLog(test: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Waits until the output (not only log lines) matches. */
  waitForText(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/**
 * Runs a TypeScript entry point (src/server.ts, src/sandbox/main.ts) as a real child process, the
 * way `npm start` / `npm run sandbox` run it, with the given environment on top of this one.
 */
export function runProcess(entry: string, env: Record<string, string>, nodeArgs: string[] = []): RunningProcess {
  // tsx as a loader in this one process (not its CLI, which would run a grandchild that a kill misses);
  // a built entry (dist/…/*.js) runs on plain node, as `npm start` runs it.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let text = '';
  let partial = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d) => {
    text += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line (e.g. the sandbox's own banner)
      }
    }
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d) => {
    text += d;
    for (const l of listeners) l();
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  /** Resolves with what `probe` finds in the output so far or later; fails on exit or timeout. */
  function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = probe();
        if (hit === undefined) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} after ${timeoutMs} ms:\n${text}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`exited with ${code} before ${what}:\n${text}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.on('exit', onExit);
      check();
    });
  }
  return {
    child,
    logs,
    output: () => text,
    exited,
    waitForText: (pattern, timeoutMs = 60_000) => waitFor(() => (pattern.test(text) ? true : undefined), `output matching ${pattern}`, timeoutMs).then(() => undefined),
    waitForLog: (test, timeoutMs = 60_000) => waitFor(() => logs.find(test), 'such log line', timeoutMs),
  };
}

/** Starts src/server.ts (or `entry`, e.g. the build's dist/src/server.js) and waits for its ready line; returns the GraphQL URL. */
export async function startGatewayProcess(env: Record<string, string>, nodeArgs: string[] = [], entry = 'src/server.ts'): Promise<RunningProcess & { graphqlUrl: string; url: string }> {
  const proc = runProcess(entry, { PORT: '0', HOST: '127.0.0.1', ENCODE_URL: '', GDC_URL: '', ...env }, nodeArgs);
  try {
    const ready = await proc.waitForLog((l) => typeof l.graphql === 'string');
    const graphqlUrl = ready.graphql as string;
    return Object.assign(proc, { graphqlUrl, url: graphqlUrl.replace(/\/graphql$/, '') });
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
}

/** Ends a child this test started, if it still runs. */
export function kill(proc: RunningProcess | undefined): void {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
}

/** A port free right now on loopback (for a child that needs fixed ports). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
