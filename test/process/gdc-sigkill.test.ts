import { request } from 'undici';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';
import { caseOf, CREATE } from '../support/gdc';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';

/**
 * Issue 7 §5 for GDC: the gateway is SIGKILLed in the middle of a chunked submission, and a re-run
 * of the same input finishes the job with nothing duplicated.
 */
describe('a gateway killed in the middle of a chunked GDC submission', () => {
  let sandbox: RunningSandbox;
  const cases = Array.from({ length: 20 }, (_, i) => caseOf(`KILL-${String(i).padStart(2, '0')}`));

  beforeAll(async () => {
    sandbox = await startSandbox({ encode: false, gdc: true, gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz') });
  });
  afterAll(() => sandbox.stop());

  const gateway = () =>
    startGatewayProcess({ GDC_URL: sandbox.gdc!.url, ENCODE_URL: sandbox.gdc!.url, GDC_TOKEN: sandbox.gdc!.token });
  const submit = async (gw: GatewayProcess, upsert: boolean) => {
    const res = await request(gw.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CREATE, variables: { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: cases, chunkSize: 2, upsert } } }),
    });
    return ((await res.body.json()) as { data: any }).data.createEntities;
  };
  const posts = () => sandbox.gdc!.requests.count({ method: 'POST', pathPrefix: '/v0/submission/GDC/INTERNAL' });
  /** Each submitter_id of the input, how many times GDC holds it. */
  const held = () => {
    const counts = new Map<string, number>();
    for (const node of sandbox.gdc!.emulator.service.store.ofType('case')) {
      const id = String(node.props.submitter_id);
      if (id.startsWith('KILL-')) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };

  it('is re-run with upsert and finishes: every entity once', async () => {
    // Each chunk takes a while, so the kill lands between chunks, some written and some not.
    sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 200 }]);
    const first = await gateway();
    const running = submit(first, false).catch(() => null);
    const before = posts();
    for (const end = Date.now() + 30_000; posts() - before < 3 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await running;
    await new Promise((r) => setTimeout(r, 500)); // a chunk already sent lands
    const partial = held();
    expect(partial.size).toBeGreaterThanOrEqual(4);
    expect(partial.size).toBeLessThan(20);
    expect([...partial.values()].every((n) => n === 1)).toBe(true);
    sandbox.gdc!.emulator.faults.clear();

    const second = await gateway();
    try {
      const again = await submit(second, false);
      expect(again.success).toBe(false); // a POST of what landed is refused, not duplicated
      expect(again.entities.some((e: any) => e.errors.some((x: any) => x.type === 'NOT_UNIQUE'))).toBe(true);
      const r = await submit(second, true);
      expect(r).toMatchObject({ success: true, createdCount: 20 - partial.size, updatedCount: partial.size });
    } finally {
      await second.stop();
    }
    const after = held();
    expect(after.size).toBe(20);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
