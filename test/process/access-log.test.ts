import { request } from 'undici';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/** The access log as an operator reads it: JSON lines on the process's stdout, one per request, on both paths. */
describe('access log on stdout', () => {
  let proc: (RunningProcess & { graphqlUrl: string }) | undefined;
  afterEach(() => kill(proc));

  async function post(id: string, query: string) {
    const res = await request(proc!.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id, 'x-auth-token': 'gdc-sandbox-submitter-token' },
      body: JSON.stringify({ query }),
    });
    await res.body.text();
    return proc!.waitForLog((l) => (l.req as { id?: string } | undefined)?.id === id, 10_000);
  }

  it('writes one line for a query (fast path) and one for a mutation (Apollo), with no credential', async () => {
    proc = await startGatewayProcess({ LOG_FORMAT: 'json', ACCESS_LOG: 'all' });
    const query = await post('proc-query', 'query Who { gatewayInfo { version } }');
    expect(query).toMatchObject({ operation: 'Who', operationType: 'query', upstreamCalls: { ENCODE: 0, GDC: 0 }, res: { status: 200 }, req: { method: 'POST', path: '/graphql' } });
    expect(query.ms).toEqual(expect.any(Number));
    expect(query.bytes).toBeGreaterThan(0);
    const mutation = await post('proc-mutation', 'mutation Dry { createEntities(input: { source: ENCODE, profile: "lab", entities: [{ name: "x" }], dryRun: true }) { success } }');
    expect(mutation).toMatchObject({ operation: 'Dry', operationType: 'mutation', res: { status: 200 }, req: { method: 'POST', path: '/graphql' } });
    expect(mutation.bytes).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(proc.logs.filter((l) => ['proc-query', 'proc-mutation'].includes((l.req as { id?: string } | undefined)?.id ?? ''))).toHaveLength(2);
    expect(JSON.stringify(proc.logs)).not.toContain('gdc-sandbox-submitter-token');
  });
});
