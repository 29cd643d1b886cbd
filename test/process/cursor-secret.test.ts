import { request } from 'undici';
import { ENCODE_SANDBOX_KEYS, type RunningSandbox, startSandbox } from '../../src/sandbox';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * CURSOR_SECRET across real processes: a cursor one gateway issued is honoured by another gateway
 * with the same secret (instances behind a load balancer, a restart), and refused by one without it.
 * Both gateways read the same sandbox, which runs in this process.
 */
const SECRET = 'process-test-cursor-secret-0123456789abcdef';
const PAGE = `query($after: String) { encode { organismsConnection(first: 1, after: $after) {
  totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;

type Gateway = RunningProcess & { graphqlUrl: string };

async function page(gateway: Gateway, after?: string): Promise<any> {
  const res = await request(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PAGE, variables: { after } }) });
  return res.body.json();
}

describe('CURSOR_SECRET', () => {
  let sandbox: RunningSandbox;
  const started: Gateway[] = [];
  const start = async (env: Record<string, string>) => {
    const g = await startGatewayProcess({
      ENCODE_URL: sandbox.encode!.url,
      GDC_URL: sandbox.gdc!.url,
      DCC_API_KEY: ENCODE_SANDBOX_KEYS.submitter.id,
      DCC_SECRET_KEY: ENCODE_SANDBOX_KEYS.submitter.secret,
      ...env,
    });
    started.push(g);
    return g;
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
  }, 60_000);
  afterAll(async () => {
    for (const g of started) kill(g);
    await sandbox?.stop();
  });

  it('a cursor from one gateway pages on in another with the same secret, and is refused by a gateway without it', async () => {
    const [a, b] = await Promise.all([start({ CURSOR_SECRET: SECRET }), start({ CURSOR_SECRET: SECRET })]);
    const first = (await page(a)).data.encode.organismsConnection;
    expect(first.totalCount).toBeGreaterThan(1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const cursor = first.pageInfo.endCursor;

    const onA = (await page(a, cursor)).data.encode.organismsConnection;
    const onB = (await page(b, cursor)).data.encode.organismsConnection;
    expect(onB.pageInfo.hasPreviousPage).toBe(true);
    expect(onB.edges.map((e: any) => e.node.id)).toEqual(onA.edges.map((e: any) => e.node.id));
    expect(onB.edges[0].node.id).not.toBe(first.edges[0].node.id);
    // B's own cursors are A's: the same text for the same place.
    expect(onB.pageInfo.endCursor).toBe(onA.pageInfo.endCursor);

    kill(b);
    const c = await start({});
    const refused = await page(c, cursor);
    expect(refused.data).toBeNull();
    expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(refused.errors[0].message).toMatch(/^after is not a cursor this connection issued/);
  }, 180_000);
});
