import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ReadinessCheck } from './readiness';
import type { FromSandbox, SandboxEndpoints, ToSandbox } from './sandbox/ipc';
import type { SandboxOptions } from './sandbox';

/** Loading the real schemas and inserts takes a few seconds; on a busy machine many more. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 10_000;
/** A child that keeps crashing is left down (and /readyz says so) rather than restarted for ever. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export interface SandboxProcess extends SandboxEndpoints {
  /** For /readyz: fails while the child is down. */
  readiness: ReadinessCheck;
  /** Stops the emulators and waits for the child to end (after the gateway has drained). */
  stop(): Promise<void>;
}

/**
 * The child's entry beside this file, compiled or not: dist/src/sandbox/child.js under `npm
 * start`, src/sandbox/child.ts under tsx or ts-jest (then run with tsx's loader too).
 */
function childEntry(): { file: string; execArgv: string[] } {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, 'sandbox', `child${ext}`);
  const needsTsx = ext === '.ts' && !process.execArgv.some((a) => a.includes('tsx'));
  return { file, execArgv: needsTsx ? [...process.execArgv, '--import', 'tsx'] : process.execArgv };
}

function forkChild(options: SandboxOptions): { child: ChildProcess; ready: Promise<SandboxEndpoints> } {
  const { file, execArgv } = childEntry();
  // Its output goes where the gateway's goes; IPC carries the URLs and the stop.
  const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<SandboxEndpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the embedded sandbox did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: FromSandbox) => {
      done();
      if (message.type === 'ready') resolve(message);
      else reject(new Error(`the embedded sandbox failed to start: ${message.message}`));
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`the embedded sandbox exited before it started (${signal ?? `code ${code}`})`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  ready.catch(() => child.kill('SIGKILL'));
  child.send({ type: 'start', options } satisfies ToSandbox);
  return { child, ready };
}

/**
 * Runs the emulators in a child process, off the gateway's event loop: a 100k-column GDC
 * document or a 20k-row dry run keeps the child busy, not the gateway. The gateway never loads
 * src/sandbox itself. The child ends with the gateway however it ends (its IPC channel closes,
 * and an exit handler here kills it too); a child that dies is logged, reported by /readyz and
 * started again on the same ports (at most MAX_RESTARTS times a minute).
 */
export async function startSandboxProcess(options: SandboxOptions, logger: Logger): Promise<SandboxProcess> {
  let current = forkChild(options);
  const killOnExit = () => current.child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let endpoints: SandboxEndpoints;
  try {
    endpoints = await current.ready;
    logger.info({ sandboxPid: current.child.pid }, `embedded sandbox running in process ${current.child.pid}`);
  } catch (err) {
    process.off('exit', killOnExit);
    throw err;
  }
  // A restarted child must listen where the gateway already sends.
  const pinned: SandboxOptions = { ...options, ports: endpoints.ports };
  let down: string | null = null;
  let stopping = false;
  const restarts: number[] = [];

  const watch = (child: ChildProcess) =>
    child.once('exit', (code, signal) => {
      if (stopping) return;
      down = `exited (${signal ?? `code ${code}`})`;
      const now = Date.now();
      while (restarts.length && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= MAX_RESTARTS) {
        logger.error({ code, signal }, `the embedded sandbox ${down}; it crashed ${MAX_RESTARTS} times within a minute and is left down: restart the gateway`);
        return;
      }
      restarts.push(now);
      logger.error({ code, signal }, `the embedded sandbox ${down}: starting it again on the same ports`);
      current = forkChild(pinned);
      watch(current.child);
      current.ready.then(
        () => {
          down = null;
          logger.info({ sandboxPid: current.child.pid }, `the embedded sandbox is running again, in process ${current.child.pid}`);
        },
        (err: Error) => logger.error({ err }, err.message),
      );
    });
  watch(current.child);

  return {
    ...endpoints,
    readiness: {
      name: 'sandbox',
      live: true,
      async check() {
        if (down) throw new Error(down);
      },
    },
    async stop() {
      stopping = true;
      const { child } = current;
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      if (child.connected) child.send({ type: 'stop' } satisfies ToSandbox);
      else child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
