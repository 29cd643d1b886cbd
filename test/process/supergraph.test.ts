import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { composeExample } from '../../scripts/supergraph';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { createAliquots, createBiosamples } from '../support/federation';
import { freePort, kill, ROOT, runProcess, type RunningProcess, startGatewayProcess } from '../support/process';

// Issue 15: the gateway, the lab-inventory example and Hive Gateway as three processes on the
// composed supergraph; upstream requests counted at the sandbox (in this process), requests to each
// subgraph counted in its own log. The gateway has no credentials of its own: every read and write
// below works only because the router forwards the caller's headers.
let sandbox: RunningSandbox;
let gateway: RunningProcess & { graphqlUrl: string; url: string };
let lab: RunningProcess;
let router: RunningProcess;
let routerUrl: string;
let biosamples: { id: string; accession: string }[];
let aliquots: string[];
let caller: Record<string, string>;
const PROJECT = 'GDC-INTERNAL';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'supergraph-'));

async function post(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.body.json()) as { data: any; errors?: { message: string }[] };
}

function ok<T>(res: { data: T; errors?: unknown[] }): T {
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

const gatewayPosts = () => gateway.logs.filter((l) => l.msg.startsWith('POST /graphql ')).length;
const labRequests = () => lab.logs.filter((l) => l.msg === 'request').length;

beforeAll(async () => {
  sandbox = await startSandbox({});
  const { key, secret } = sandbox.encode!.credentials;
  caller = { 'x-dcc-api-key': key, 'x-dcc-secret-key': secret, 'x-auth-token': sandbox.gdc!.token };
  gateway = await startGatewayProcess({ ENCODE_URL: sandbox.encode!.url, GDC_URL: sandbox.gdc!.url, LOG_LEVEL: 'info' });
  const direct = (q: string, v?: Record<string, unknown>) => post(gateway.graphqlUrl, q, v, caller);
  biosamples = await createBiosamples(direct, 100, 'supergraph');
  aliquots = await createAliquots(direct, PROJECT, 2);

  const inventory = path.join(tmp, 'inventory.json');
  fs.writeFileSync(
    inventory,
    JSON.stringify({
      freezers: [
        { id: 'a', name: 'Freezer A', samples: biosamples.slice(0, 50).map((b) => b.id) },
        { id: 'b', name: 'Freezer B', samples: biosamples.slice(50).map((b) => b.id) },
      ],
      shipments: [{ project_id: PROJECT, submitter_id: aliquots[0], shippedOn: '2026-11-30' }],
    }),
  );
  lab = runProcess('examples/supergraph/lab-inventory.ts', { PORT: '0', LAB_INVENTORY_DATA: inventory, LAB_INVENTORY_LOG_REQUESTS: '1' });
  const labUrl = (await lab.waitForLog((l) => typeof l.graphql === 'string')).graphql as string;

  const sdl = await (await request(`${gateway.url}/subgraph.graphql`)).body.text();
  const { supergraphSdl, errors } = composeExample(sdl, { gateway: gateway.graphqlUrl, lab: labUrl });
  expect(errors).toEqual([]);
  fs.writeFileSync(path.join(tmp, 'supergraph.graphql'), supergraphSdl!);

  const port = await freePort();
  routerUrl = `http://127.0.0.1:${port}/graphql`;
  const bin = path.join(ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
  // Hive Gateway's own CLI (plain JavaScript; it loads the TypeScript config itself).
  const child = spawn(process.execPath, [bin, 'supergraph', path.join(tmp, 'supergraph.graphql'), '-c', path.join(ROOT, 'examples/supergraph/gateway.config.ts'), '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  router = { child, logs: [], output: () => out, exited: new Promise((r) => child.on('exit', (c) => r(c ?? -1))), waitForLog: () => Promise.reject(new Error('n/a')), waitForText: () => Promise.reject(new Error('n/a')) };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await post(routerUrl, '{ __typename }').catch(() => null);
    if (res?.data?.__typename === 'Query') break;
    if (Date.now() > deadline) throw new Error(`Hive Gateway not ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 240_000);

afterAll(async () => {
  kill(router);
  kill(lab);
  kill(gateway);
  await sandbox?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function resetCounts() {
  sandbox.encode!.requests.reset();
  sandbox.gdc!.requests.reset();
  return { gateway: gatewayPosts(), lab: labRequests() };
}

/** What a query through the router cost: requests to each subgraph, and upstream at the sandbox. */
async function through(query: string, variables: Record<string, unknown> = {}, headers = caller) {
  const before = resetCounts();
  const res = await post(routerUrl, query, variables, headers);
  // Access lines are written when the answer is sent: wait for them to be read.
  await new Promise((r) => setTimeout(r, 200));
  return {
    res,
    gateway: gatewayPosts() - before.gateway,
    lab: labRequests() - before.lab,
    encode: sandbox.encode!.requests.entries.map((e) => e.path),
    gdc: sandbox.gdc!.requests.entries.map((e) => e.path),
  };
}

describe('the gateway in a supergraph under Hive Gateway', () => {
  it('freezers → 100 biosamples → lab and organism: one _entities call, one upstream request per level', async () => {
    const got = await through('{ freezers { name samples { accession lab { name } organism { scientific_name } } } }');
    const freezers = ok(got.res).freezers;
    expect(freezers.map((f: any) => f.samples.length)).toEqual([50, 50]);
    expect(freezers[0].samples[0]).toEqual({ accession: biosamples[0].accession, lab: { name: 'sandbox-lab' }, organism: { scientific_name: expect.any(String) } });
    expect(freezers.flatMap((f: any) => f.samples.map((s: any) => s.accession))).toEqual(biosamples.map((b) => b.accession));
    expect(got.lab).toBe(1);
    expect(got.gateway).toBe(1);
    // Level 1: the biosamples, one search of OR-ed uuids; level 2: their lab and organism together.
    expect(got.encode).toEqual(['/search/', '/search/']);
  });

  it('encode { biosamples } with each one freezer: one call to lab-inventory', async () => {
    const got = await through('{ encode { biosamples(limit: 100) { accession freezer { name } } } }');
    const list = ok(got.res).encode.biosamples;
    expect(list).toHaveLength(100);
    const byAccession = new Map(list.map((b: any) => [b.accession, b.freezer?.name]));
    expect(byAccession.get(biosamples[0].accession)).toBe('Freezer A');
    expect(byAccession.get(biosamples[99].accession)).toBe('Freezer B');
    expect(got.lab).toBe(1);
    expect(got.gateway).toBe(1);
  });

  it('a GDC aliquot joined by project_id and submitter_id', async () => {
    const got = await through(`{ gdc(project: "${PROJECT}") { aliquot(submitter_id: ["${aliquots[0]}", "${aliquots[1]}"], order_by_asc: "submitter_id") { submitter_id shippedOn } } }`);
    expect(ok(got.res).gdc.aliquot).toEqual([
      { submitter_id: aliquots[0], shippedOn: '2026-11-30' },
      { submitter_id: aliquots[1], shippedOn: null },
    ]);
    expect(got.lab).toBe(1);
    expect(got.gdc).toEqual(['/v0/submission/graphql']);
  });

  it('a mutation through the router runs with the caller ENCODE keys, and without them is refused before any upstream call', async () => {
    const mutation = `mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e }) { success entities { accession errors { message } } } }`;
    const record = (alias: string) => [{ award: 'UM1HG000000', lab: 'sandbox-lab', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: [alias] }];
    const withKeys = await through(mutation, { e: record('sandbox-lab:via-router') });
    const created = ok(withKeys.res).createEntities;
    expect(created.success).toBe(true);
    expect(withKeys.gateway).toBe(1);
    expect(withKeys.encode).toContain('/biosamples/');
    // The record is there, read back from the portal with the same keys.
    const { key, secret } = sandbox.encode!.credentials;
    const back = await request(`${sandbox.encode!.url}/biosamples/${created.entities[0].accession}/?format=json`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`, accept: 'application/json' },
    });
    expect(back.statusCode).toBe(200);
    expect(((await back.body.json()) as { aliases: string[] }).aliases).toEqual(['sandbox-lab:via-router']);

    const without = await through(mutation, { e: record('sandbox-lab:no-keys') }, {});
    expect(without.res.data).toBeNull();
    expect(without.res.errors).toEqual([expect.objectContaining({ path: ['createEntities'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', upstream: 'ENCODE' }) })]);
    expect(without.encode).toEqual([]);
  });
});
