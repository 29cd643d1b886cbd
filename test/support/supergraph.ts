/**
 * The example supergraph as three processes (issue 15): the gateway (on a sandbox in this process,
 * so its upstream requests can be counted, and without credentials of its own), the lab-inventory
 * example with 100 biosamples in two freezers, and Hive Gateway on their composition.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { composeExample } from '../../scripts/supergraph';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { createAliquots, createBiosamples } from './federation';
import { freePort, kill, ROOT, runProcess, type RunningProcess, startGatewayProcess } from './process';

export const PROJECT = 'GDC-INTERNAL';

export interface Supergraph {
  sandbox: RunningSandbox;
  gateway: RunningProcess & { graphqlUrl: string; url: string };
  lab: RunningProcess;
  labUrl: string;
  routerUrl: string;
  router: HiveGateway;
  /** Another Hive Gateway on the same supergraph (another config, flags or environment); stopped with the rest. */
  startRouter(options?: HiveGatewayOptions): Promise<HiveGateway>;
  biosamples: { id: string; accession: string }[];
  aliquots: string[];
  /** The caller's headers: the sandbox's ENCODE keys and GDC token. */
  caller: Record<string, string>;
  stop(): Promise<void>;
}

export async function post(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.body.json()) as { data: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

export interface HiveGateway {
  url: string;
  pid: number;
  output(): string;
  kill(): void;
}

export interface HiveGatewayOptions {
  /** Hive Gateway's config file (default: examples/supergraph/gateway.config.ts). */
  config?: string;
  /** Extra Node flags (a profile: `--cpu-prof`). */
  nodeArgs?: string[];
  /** On top of this process's environment (`HIVE_ROUTER_RUNTIME=false`: the default runtime). */
  env?: Record<string, string>;
}

export interface SupergraphOptions {
  /** Extra Node flags for the gateway (a profile: `--cpu-prof`). */
  gatewayNodeArgs?: string[];
  /** The gateway's entry (default src/server.ts; benchmarks run the build's dist/src/server.js). */
  gatewayEntry?: string;
  router?: HiveGatewayOptions;
}

export async function startSupergraph(options: SupergraphOptions = {}): Promise<Supergraph> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'supergraph-'));
  const sandbox = await startSandbox({});
  const started: { kill(): void }[] = [];
  const stop = async () => {
    for (const s of started.reverse()) s.kill();
    await sandbox.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const { key, secret } = sandbox.encode!.credentials;
    const caller = { 'x-dcc-api-key': key, 'x-dcc-secret-key': secret, 'x-auth-token': sandbox.gdc!.token };
    const gateway = await startGatewayProcess({ ENCODE_URL: sandbox.encode!.url, GDC_URL: sandbox.gdc!.url, LOG_LEVEL: 'info' }, options.gatewayNodeArgs, options.gatewayEntry);
    started.push({ kill: () => kill(gateway) });
    const direct = (q: string, v?: Record<string, unknown>) => post(gateway.graphqlUrl, q, v, caller);
    const biosamples = await createBiosamples(direct, 100, 'supergraph');
    const aliquots = await createAliquots(direct, PROJECT, 2);

    const inventory = path.join(tmp, 'inventory.json');
    const freezers = [
      { id: 'a', name: 'Freezer A', samples: biosamples.slice(0, 50).map((b) => b.id) },
      { id: 'b', name: 'Freezer B', samples: biosamples.slice(50).map((b) => b.id) },
    ];
    fs.writeFileSync(inventory, JSON.stringify({ freezers, shipments: [{ project_id: PROJECT, submitter_id: aliquots[0], shippedOn: '2026-11-30' }] }));
    const lab = runProcess('examples/supergraph/lab-inventory.ts', { PORT: '0', LAB_INVENTORY_DATA: inventory, LAB_INVENTORY_LOG_REQUESTS: '1' });
    started.push({ kill: () => kill(lab) });
    const labUrl = (await lab.waitForLog((l) => typeof l.graphql === 'string')).graphql as string;

    const sdl = await (await request(`${gateway.url}/subgraph.graphql`)).body.text();
    const { supergraphSdl, errors } = composeExample(sdl, { gateway: gateway.graphqlUrl, lab: labUrl });
    if (!supergraphSdl) throw new Error(`composition failed: ${errors.join('; ')}`);
    fs.writeFileSync(path.join(tmp, 'supergraph.graphql'), supergraphSdl);

    const supergraphPath = path.join(tmp, 'supergraph.graphql');
    const startRouter = async (routerOptions = options.router) => {
      const router = await startHiveGateway(supergraphPath, routerOptions);
      started.push(router);
      return router;
    };
    const router = await startRouter();
    const routerUrl = router.url;
    return { sandbox, gateway, lab, labUrl, routerUrl, router, startRouter, biosamples, aliquots, caller, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Hive Gateway's own CLI on a composed supergraph (plain JavaScript; it loads the TypeScript config itself). */
export async function startHiveGateway(supergraphPath: string, options: HiveGatewayOptions = {}): Promise<HiveGateway> {
  const config = options.config ?? path.join(ROOT, 'examples', 'supergraph', 'gateway.config.ts');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const bin = path.join(ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, 'supergraph', supergraphPath, '-c', config, '--port', String(port), '--host', '127.0.0.1'], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const router: HiveGateway = {
    url,
    pid: child.pid!,
    output: () => out,
    kill: () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')),
  };
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await post(url, '{ __typename }').catch(() => null);
    if (res?.data?.__typename === 'Query') return router;
    if (Date.now() > deadline || child.exitCode !== null) {
      router.kill();
      throw new Error(`Hive Gateway not ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
