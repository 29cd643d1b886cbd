import { request } from 'undici';
import { ENCODE_SANDBOX_KEYS, type RunningSandbox, startSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';

/**
 * The gateway killed (SIGKILL: no shutdown, no cleanup) in the middle of registering 200
 * biosamples, then started again and given the same input: every record ends up registered
 * exactly once. The sandbox runs in this process, the gateway in a child.
 */
const LAB = 'barbara-wold';
const N = 200;

function startGateway(sandbox: RunningSandbox): Promise<GatewayProcess> {
  return startGatewayProcess({
    ENCODE_URL: sandbox.encode!.url,
    GDC_URL: sandbox.gdc!.url,
    DCC_API_KEY: ENCODE_SANDBOX_KEYS.submitter.id,
    DCC_SECRET_KEY: ENCODE_SANDBOX_KEYS.submitter.secret,
    DCC_AWARD: 'ENCODE2',
    DCC_LAB: LAB,
  });
}

const mutation = `mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "biosample", entities: $e }) {
  success createdCount errorCount entities { action errors { message } } } }`;
const entities = Array.from({ length: N }, (_, i) => ({
  aliases: [`kill-${i}`],
  source: 'atcc',
  organism: 'human',
  biosample_ontology: 'cell_line_EFO_0001203',
}));

function register(graphqlUrl: string) {
  return request(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: mutation, variables: { e: entities } }) });
}

describe('the gateway killed mid-batch', () => {
  let sandbox: RunningSandbox;
  const upstream = () => {
    const all = sandbox.encode!.emulator.portal.store.all().flatMap((i) => (i.properties.aliases ?? []) as string[]);
    return all.filter((a) => a.startsWith(`${LAB}:kill-`));
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ encodeProfiles: dataPath('encode', 'profiles') });
  }, 60_000);
  afterAll(() => sandbox.stop());

  it('finishes the job on a re-run with every record registered exactly once', async () => {
    // Slow POSTs, so the kill lands in the middle of the batch.
    sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/biosamples', latencyMs: 40 }]);
    const first = await startGateway(sandbox);
    const pending = register(first.graphqlUrl).then(
      async (res) => `answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`,
      () => 'connection lost',
    );
    while (upstream().length < N / 4) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    expect(await pending).toBe('connection lost');
    await new Promise((r) => setTimeout(r, 300)); // POSTs already in the portal's hands land
    const before = upstream().length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(N);

    const second = await startGateway(sandbox);
    try {
      const res = await register(second.graphqlUrl);
      const body = (await res.body.json()) as any;
      const r = body.data.createEntities;
      expect(r).toMatchObject({ success: true, errorCount: 0 });
      const actions = r.entities.map((e: any) => e.action);
      expect(actions.filter((a: string) => a === 'create')).toHaveLength(N - before);
      expect(actions.filter((a: string) => a === 'exists')).toHaveLength(before);
      const aliases = upstream();
      expect(aliases).toHaveLength(N);
      expect(new Set(aliases).size).toBe(N);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
