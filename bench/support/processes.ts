import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** A child process and the first stdout line that matches `ready`. */
export async function startProcess(command: string, args: string[], ready: RegExp, options: SpawnOptions = {}): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let output = '';
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(ready);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} printed nothing matching ${ready} within 2 minutes:\n${output.slice(-2000)}`));
    }, 120_000).unref();
  });
  // BENCH_LOG_DIR keeps each child's output (e.g. with BENCH_GATEWAY_NODE_ARGS=--trace-gc).
  if (process.env.BENCH_LOG_DIR) {
    const log = fs.createWriteStream(path.join(process.env.BENCH_LOG_DIR, `${path.basename(args.at(-1) ?? command)}.${child.pid}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  return { child, match };
}

export function stopProcess(child: ChildProcess): Promise<void> {
  // Gone already (ended, or killed by a signal: exitCode stays null then): its 'exit' has fired.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** Resident set size now and its peak so far (VmRSS, VmHWM), in bytes; Linux only. */
export function rssOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Runs a command to its end; its exit code, duration and output (stdout, stderr, and both). */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<{ code: number | null; ms: number; output: string; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let [stdout, stderr] = ['', ''];
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, ms: performance.now() - started, output: stdout + stderr, stdout, stderr }));
  });
}

/** CPU seconds (user and system) a process has used so far; Linux only. */
export function cpuOf(pid: number): { user: number; system: number } {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }; // clock ticks, USER_HZ = 100
  } catch {
    return { user: NaN, system: NaN };
  }
}
