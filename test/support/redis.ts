import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from './process';

/** A private redis-server for one suite: its own port, no persistence, nothing shared with a Redis the machine runs. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** The server's process id (a benchmark pins it to a core), null once stopped or killed. */
  readonly pid: number | null;
  /** Ends the server (SIGKILL: as a crash or a network loss looks to the gateway). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty unless started `persistent`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The redis-server found (or installed) by the same script `npm test` runs first. */
function redisServerPath(): string {
  const script = path.join(ROOT, 'scripts', 'ensure-redis.sh');
  return execFileSync('bash', [script, '--path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function launch(binary: string, port: number, dir: string, persistent: boolean): Promise<ChildProcess> {
  // Persistent: every write reaches the append-only file before Redis answers, so a SIGKILL loses nothing.
  const durability = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...durability, '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`redis-server not ready on port ${port} after 10 s:\n${text}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    // Readiness: the server answers PING on its port (its log line depends on the log level).
    const poll = async () => {
      const net = await import('node:net');
      while (child.exitCode === null) {
        const ok = await new Promise<boolean>((done) => {
          const s = net.connect(port, '127.0.0.1');
          s.once('connect', () => s.write('PING\r\n'));
          s.once('data', (d) => {
            s.destroy();
            done(d.toString().startsWith('+PONG'));
          });
          s.once('error', () => done(false));
        });
        if (ok) {
          clearTimeout(timer);
          return resolve(child);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    child.stdout!.on('data', (d) => (text += d));
    child.stderr!.on('data', (d) => (text += d));
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${text}`)));
    void poll();
  });
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Starts a private redis-server on a free loopback port; call stop() in afterAll. `persistent`:
 * an append-only file fsynced on every write, so restart() finds everything written before a kill.
 */
export async function startPrivateRedis(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
  const binary = redisServerPath();
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-redis-'));
  const port = await freePort();
  const persistent = options.persistent ?? false;
  let child: ChildProcess | null = await launch(binary, port, dir, persistent);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? null;
    },
    async kill() {
      if (child) await ended(child, 'SIGKILL');
      child = null;
    },
    async restart() {
      if (child) await ended(child, 'SIGKILL');
      child = await launch(binary, port, dir, persistent);
    },
    async stop() {
      if (child) await ended(child, 'SIGTERM');
      child = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
