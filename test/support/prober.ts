import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Another caller of the gateway, in its own process so that the work of the measuring process
 * (sending 200 MB, the upstream stand-in) does not count as the gateway's delay: one small
 * GraphQL query at a time, every `everyMs`, until stopped; then the latencies in ms.
 */
const SCRIPT = `
const { request } = require('undici');
const url = process.argv[1], every = Number(process.argv[2]);
const latencies = [];
const WARM_UP = 5;
let running = true;
process.stdin.on('data', () => { running = false; });
(async () => {
  while (running) {
    const t = performance.now();
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ gatewayInfo { version } }"}' });
    await res.body.text();
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, every));
  }
  // The first answers include this process's own warm-up (connection, compilation): not the gateway's.
  process.stdout.write(JSON.stringify(latencies.slice(WARM_UP)));
})();
`;

export interface Prober {
  stop(): Promise<number[]>;
}

export function startProber(graphqlUrl: string, everyMs = 20): Prober {
  const child = spawn(process.execPath, ['-e', SCRIPT, graphqlUrl, String(everyMs)], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const done = new Promise<number[]>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`prober exited with ${code}`))));
  });
  return {
    stop() {
      child.stdin!.end('stop\n');
      return done;
    },
  };
}
