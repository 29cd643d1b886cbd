import { request } from 'undici';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * The embedded sandbox in its own process (src/sandbox-process.ts): it never outlives the gateway,
 * a crash is logged, shown by /readyz and repaired, and Ctrl-C (SIGINT to the whole process group)
 * still lets a write in flight finish before the emulators stop.
 */
type Gateway = RunningProcess & { graphqlUrl: string; url: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await test()) return true;
    await sleep(50);
  }
  return test();
}

async function sandboxPid(gw: Gateway): Promise<number> {
  const line = await gw.waitForLog((l) => typeof l.sandboxPid === 'number');
  return line.sandboxPid as number;
}

async function readyz(gw: Gateway) {
  const res = await request(`${gw.url}/readyz`, { reset: true });
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

async function post(gw: Gateway, query: string) {
  const res = await request(gw.graphqlUrl, { method: 'POST', reset: true, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

describe('the embedded sandbox child process', () => {
  let gw: Gateway | undefined;
  const children: number[] = [];
  afterEach(() => {
    kill(gw);
    for (const pid of children.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('runs apart from the gateway, on loopback, and dies with a SIGKILLed gateway', async () => {
    gw = await startGatewayProcess({});
    const pid = await sandboxPid(gw);
    children.push(pid);
    expect(pid).not.toBe(gw.child.pid);
    expect(alive(pid)).toBe(true);
    await gw.waitForLog((l) => /^ {2}S3: /.test(l.msg));
    for (const name of ['ENCODE', 'GDC', 'S3']) {
      expect(gw.logs.map((l) => l.msg)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}${name}: +http://127\\.0\\.0\\.1:\\d+`)));
    }
    gw.child.kill('SIGKILL');
    await gw.exited;
    expect(await until(() => !alive(pid), 5_000)).toBe(true);
  });

  it('dies with a SIGKILLed gateway even while an emulator is busy in synchronous work', async () => {
    gw = await startGatewayProcess({});
    const pid = await sandboxPid(gw);
    children.push(pid);
    const gdc = /^ {2}GDC: +(http:\S+)/.exec((await gw.waitForLog((l) => /^ {2}GDC: /.test(l.msg))).msg)![1];
    // 20,000 rows keep the GDC emulator's event loop busy for seconds: its IPC 'disconnect' waits.
    const rows = Array.from({ length: 20_000 }, (_, i) => `case\tBUSY-${i}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue`);
    const body = `type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\n${rows.join('\n')}\n`;
    const busy = request(`${gdc}/v0/submission/GDC/INTERNAL/_dry_run`, {
      method: 'POST',
      headers: { 'content-type': 'text/tab-separated-values', 'x-auth-token': 'gdc-sandbox-submitter-token' },
      body,
    }).catch(() => undefined);
    await sleep(1_500);
    gw.child.kill('SIGKILL');
    await gw.exited;
    expect(await until(() => !alive(pid), 8_000)).toBe(true);
    await busy;
  });

  it('a crashed child is logged, /readyz says so, and it comes back on the same ports', async () => {
    gw = await startGatewayProcess({});
    const pid = await sandboxPid(gw);
    children.push(pid);
    expect((await readyz(gw)).status).toBe(200);
    process.kill(pid, 'SIGKILL');
    await gw.waitForLog((l) => /the embedded sandbox exited \(SIGKILL\)/.test(l.msg) && l.level === 50);
    // /readyz caches probe results for 5 s: the sandbox check itself answers at once.
    const during = await until(async () => (await readyz(gw!)).body.checks?.sandbox === 'exited (SIGKILL)', 6_000);
    const back = await gw.waitForLog((l) => /running again/.test(l.msg), 60_000);
    children.push(back.sandboxPid as number);
    expect(back.sandboxPid).not.toBe(pid);
    expect(await until(async () => (await readyz(gw!)).status === 200, 15_000)).toBe(true);
    const answer = await post(gw, '{ encodeProfile(name: "lab") gdcDictionary(type: "case") }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.gdcDictionary.id).toBe('case');
    // Asserted last: the restart may be quick enough to make the 503 window short, never absent.
    expect(during).toBe(true);
  });

  it('SIGINT to the whole process group (Ctrl-C): a write in flight finishes, then both processes end', async () => {
    const faults = [{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 2_000 }];
    gw = await startGatewayProcess({ SANDBOX_FAULTS: JSON.stringify(faults), SHUTDOWN_GRACE_MS: '20000' });
    const pid = await sandboxPid(gw);
    children.push(pid);
    const write = post(
      gw,
      'mutation { createEntities(input: { source: GDC, project: "GDC-INTERNAL", entities: [{ type: "case", submitter_id: "CTRL-C-1", disease_type: "Blood Vessel Tumors", primary_site: "Base of tongue", projects: { code: "INTERNAL" } }] }) { success createdCount } }',
    );
    await sleep(600);
    gw.child.kill('SIGINT');
    process.kill(pid, 'SIGINT');
    const answer = await write;
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.createEntities).toEqual({ success: true, createdCount: 1 });
    expect(await gw.exited).toBe(0);
    expect(await until(() => !alive(pid), 5_000)).toBe(true);
  });
});
