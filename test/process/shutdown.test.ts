import { request } from 'undici';
import { freePort, kill, type RunningProcess, runProcess, startGatewayProcess } from '../support/process';

/**
 * SIGTERM on a real gateway process during a long write (made long by the sandbox's fault
 * switch): the caller gets its full answer, new requests are refused with 503, /readyz says 503,
 * and the process exits 0 — with the sandbox in the same process, and with a separate one.
 */
async function post(url: string, query: string, headers: Record<string, string> = {}) {
  // A new connection each time: a kept-alive one may be closed by the shutdown as it is reused.
  const res = await request(url, { method: 'POST', reset: true, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

async function get(url: string) {
  const res = await request(url, { reset: true });
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function duringDrain(gatewayUrl: string) {
  const ready = await get(`${gatewayUrl}/readyz`);
  expect(ready).toMatchObject({ status: 503, body: { status: 'stopping' } });
  const refused = await post(`${gatewayUrl}/graphql`, '{ gatewayInfo { version } }');
  expect(refused.status).toBe(503);
  expect(refused.body.errors[0].extensions.code).toBe('SHUTTING_DOWN');
  expect(refused.headers.connection).toBe('close');
}

describe('SIGTERM during a long write', () => {
  let gateway: RunningProcess | undefined;
  let sandbox: RunningProcess | undefined;
  afterEach(() => {
    kill(gateway);
    kill(sandbox);
  });

  it('with the embedded sandbox: the write finishes, then the process exits 0', async () => {
    const faults = [{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 2_500 }];
    const gw = await startGatewayProcess({ SANDBOX_FAULTS: JSON.stringify(faults), SHUTDOWN_GRACE_MS: '20000' });
    gateway = gw;
    expect((await get(`${gw.url}/readyz`)).status).toBe(200);
    const cases = Array.from({ length: 20 }, (_, i) => `{ type: "case", submitter_id: "SIGTERM-${i}", disease_type: "Blood Vessel Tumors", primary_site: "Base of tongue", projects: { code: "INTERNAL" } }`);
    const write = post(gw.graphqlUrl, `mutation { createEntities(input: { source: GDC, project: "GDC-INTERNAL", entities: [${cases.join(',')}] }) { success createdCount } }`);
    await sleep(700);
    const t = Date.now();
    gw.child.kill('SIGTERM');
    await gw.waitForLog((l) => /shutting down/.test(l.msg));
    await duringDrain(gw.url);
    const answer = await write;
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.createEntities).toEqual({ success: true, createdCount: 20 });
    expect(await gw.exited).toBe(0);
    expect(Date.now() - t).toBeLessThan(15_000);
    expect(gw.logs.map((l) => l.msg)).toContain('stopped');
  });

  it('with a sandbox in another process: the write finishes, the records landed once, exit 0', async () => {
    const ports = { encode: await freePort(), gdc: await freePort(), s3: await freePort() };
    // The gateway POSTs to the collection (/biosamples/), eu_register to /biosample: both are slowed.
    const faults = [{ method: 'POST', path: '^/biosamples?/?$', latencyMs: 1_500 }];
    sandbox = runProcess('src/sandbox/main.ts', {
      SANDBOX_ENCODE_PORT: String(ports.encode),
      SANDBOX_GDC_PORT: String(ports.gdc),
      SANDBOX_S3_PORT: String(ports.s3),
      SANDBOX_FAULTS: JSON.stringify(faults),
    });
    await sandbox.waitForText(/Press Ctrl-C to stop/);
    const encodeUrl = `http://127.0.0.1:${ports.encode}`;
    const gw = await startGatewayProcess({
      ENCODE_URL: encodeUrl,
      GDC_URL: `http://127.0.0.1:${ports.gdc}`,
      DCC_API_KEY: 'SBXSUBMIT',
      DCC_SECRET_KEY: 'sandbox-submitter-secret',
      GDC_TOKEN: 'gdc-sandbox-submitter-token',
      SHUTDOWN_GRACE_MS: '20000',
    });
    gateway = gw;
    const biosample = (i: number) =>
      `{ award: "UM1HG000000", lab: "sandbox-lab", organism: "human", source: "atcc", biosample_ontology: "cell_line_EFO_0001203", aliases: ["sandbox-lab:sigterm-${i}"] }`;
    const write = post(gw.graphqlUrl, `mutation { createEntities(input: { source: ENCODE, profile: "biosample", entities: [${[0, 1, 2].map(biosample).join(',')}] }) { success createdCount } }`);
    await sleep(500);
    gw.child.kill('SIGTERM');
    await gw.waitForLog((l) => /shutting down/.test(l.msg));
    await duringDrain(gw.url);
    const answer = await write;
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.createEntities).toEqual({ success: true, createdCount: 3 });
    expect(await gw.exited).toBe(0);

    const auth = `Basic ${Buffer.from('SBXSUBMIT:sandbox-submitter-secret').toString('base64')}`;
    const found = await request(`${encodeUrl}/search/?type=Biosample&aliases=sandbox-lab:sigterm-0&aliases=sandbox-lab:sigterm-1&aliases=sandbox-lab:sigterm-2&format=json`, {
      headers: { authorization: auth },
    });
    expect(((await found.body.json()) as any).total).toBe(3);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
  });
});
