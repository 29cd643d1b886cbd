import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { START_NODE_FLAGS } from './built';

export interface Child<T> {
  info: T;
  /** The child's process id (its RSS and CPU time in /proc). */
  pid: number;
  /** Sends a signal (e.g. SIGUSR2 for a full GC when started with gc-on-signal.cjs). */
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/**
 * Runs a bench helper (bench/support/*-child.ts) in its own Node process, so that what is measured
 * does not share an event loop with the load generator. The child prints `READY <json>` once it serves.
 */
export function startChild<T>(file: string, options: unknown, nodeFlags: string[] = []): Promise<Child<T>> {
  // --import tsx (not tsx's CLI, which runs the file in a second process): `pid` is the process measured.
  const proc: ChildProcess = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(__dirname, file), JSON.stringify(options)], {
    // stdin stays open: the child ends when this process does, even if this one is killed.
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: proc.stdout! });
    proc.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      proc.removeAllListeners('exit');
      resolve({
        info: JSON.parse(line.slice(6)) as T,
        pid: proc.pid!,
        signal: (name) => void proc.kill(name),
        stop: () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

/** In a child: report readiness, and stop cleanly on SIGTERM. */
export function ready(info: unknown, stop: () => Promise<void>): void {
  console.log(`READY ${JSON.stringify(info)}`);
  const exit = () => void stop().finally(() => process.exit(0));
  process.once('SIGTERM', exit);
  process.stdin.once('end', exit).resume();
}

/** The gateway (./gateway-child.ts) with the node flags `npm start` gives it, then `nodeFlags`; helpers that are not the product run without. */
export function startGatewayChild(options: unknown, nodeFlags: string[] = []): Promise<Child<{ graphqlUrl: string }>> {
  return startChild<{ graphqlUrl: string }>('gateway-child.ts', options, [...START_NODE_FLAGS, ...nodeFlags]);
}
