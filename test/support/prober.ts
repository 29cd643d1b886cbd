import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Another caller of the gateway, in its own process so that the work of the measuring process
 * (sending 200 MB, the upstream stand-in) does not count as the gateway's delay: one small
 * GraphQL query at a time, every `everyMs`, until stopped; then each answer's start (ms since the
 * epoch) and latency in ms.
 */
const SCRIPT = `
const { request } = require('undici');
const url = process.argv[1], every = Number(process.argv[2]), headers = JSON.parse(process.argv[3] || '{}');
const probes = [];
const WARM_UP = 5;
let running = true;
process.stdin.on('data', () => { running = false; });
process.stdin.on('end', () => { running = false; }); // the measuring process is gone: stop too
(async () => {
  while (running) {
    const at = Date.now();
    const t = performance.now();
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ gatewayInfo { version } }"}' });
    await res.body.text();
    probes.push([at, performance.now() - t]);
    if (probes.length === WARM_UP) process.stdout.write('ready\\n');
    await new Promise((r) => setTimeout(r, every));
  }
  // The first answers include this process's own warm-up (connection, compilation): not the gateway's.
  process.stdout.write(JSON.stringify(probes.slice(WARM_UP)));
})();
`;

export interface Probe {
  /** When the request was sent, ms since the epoch. */
  at: number;
  ms: number;
}

export interface Prober {
  /** Resolves once the warm-up answers are in: probes from here on are counted. */
  ready: Promise<void>;
  stop(): Promise<Probe[]>;
}

/** `headers`: what a legitimate caller sends (its bearer key when the gateway wants one). */
export function startProber(url: string, everyMs = 20, headers: Record<string, string> = {}): Prober {
  const child = spawn(process.execPath, ['-e', SCRIPT, url, String(everyMs), JSON.stringify(headers)], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let markReady = () => undefined as void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.startsWith('ready\n')) markReady();
  });
  const done = new Promise<Probe[]>((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve((JSON.parse(out.replace(/^ready\n/, '')) as [number, number][]).map(([at, ms]) => ({ at, ms }))) : reject(new Error(`prober exited with ${code}`)),
    );
  });
  // A prober that dies early is reported by stop(); until then its rejection must not end the
  // measuring process (which would leave the gateway process it measures running).
  done.catch(() => undefined);
  child.once('exit', markReady);
  return {
    ready,
    stop() {
      child.stdin!.end('stop\n');
      return done;
    },
  };
}

/**
 * An idle server in its own process, answering `{}` to anything: probed alongside the gateway, its
 * answer times are what the machine itself allows at that moment (scheduling, loopback), so a
 * busy machine is not mistaken for a gateway that stalls.
 */
export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

const CONTROL = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startControlServer(): Promise<ControlServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CONTROL], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`control server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
