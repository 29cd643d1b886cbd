import { Worker } from 'node:worker_threads';
import type { FromSandbox, ToSandbox } from './ipc';
import { type RunningSandbox, startSandbox } from '.';

/**
 * The embedded sandbox's own process, forked by the gateway (src/sandbox-process.ts) so that a
 * heavy emulator request never stalls the gateway's event loop. It starts the emulators the
 * gateway asks for, answers with their URLs, and ends when told to, when its gateway's IPC
 * channel closes (the gateway exited, however it died), or on SIGTERM.
 */
function send(message: FromSandbox): void {
  process.send?.(message);
}

let sandbox: RunningSandbox | null = null;
let stopping: Promise<never> | null = null;

function stop(code: number): Promise<never> {
  return (stopping ??= (async () => {
    await sandbox?.stop().catch(() => undefined);
    process.exit(code);
  })());
}

if (!process.send) {
  console.error('src/sandbox/child is started by the gateway (npm start); use `npm run sandbox` to run the emulators alone');
  process.exit(2);
}

/**
 * The IPC 'disconnect' event needs a free event loop, and an emulator can be busy for minutes in
 * one synchronous validation: a thread of its own checks twice a second that the gateway still
 * lives (Linux: the parent pid in /proc; elsewhere a signal 0 to it), and ends the process when it
 * does not, after a moment for the orderly stop.
 */
const WATCHDOG = `
const fs = require('node:fs');
const parent = require('node:worker_threads').workerData;
const ppid = () => { try { return Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[1]); } catch { return null; } };
const gone = () => {
  const now = ppid();
  if (now !== null) return now !== parent;
  try { process.kill(parent, 0); return false; } catch { return true; }
};
const timer = setInterval(() => {
  if (!gone()) return;
  clearInterval(timer);
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 3000);
}, 500);
`;
new Worker(WATCHDOG, { eval: true, workerData: process.ppid }).unref();

// Ctrl-C reaches the whole process group: the gateway decides when the emulators stop (after
// draining the requests that still need them), so the child does not act on SIGINT itself.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop(0));
process.on('disconnect', () => void stop(0));
process.on('message', (message: ToSandbox) => {
  if (message.type === 'stop') return void stop(0);
  if (message.type !== 'start' || sandbox) return;
  startSandbox(message.options).then(
    (running) => {
      sandbox = running;
      if (stopping) return;
      send({
        type: 'ready',
        encode: running.encode && { url: running.encode.url, credentials: running.encode.credentials },
        gdc: running.gdc && { url: running.gdc.url, token: running.gdc.token },
        s3: running.s3 && { url: running.s3.url, bucket: running.s3.bucket },
        ports: { encode: port(running.encode?.url), gdc: port(running.gdc?.url), s3: port(running.s3?.url) },
      });
    },
    // The message must leave before the process ends.
    (err: Error) => void process.send!({ type: 'failed', message: err.message } satisfies FromSandbox, () => void stop(1)),
  );
});

function port(url: string | undefined): number | undefined {
  return url ? Number(new URL(url).port) : undefined;
}
