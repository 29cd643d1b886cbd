import { request } from 'undici';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

describe('npm start', () => {
  let proc: (RunningProcess & { graphqlUrl: string }) | undefined;
  afterEach(() => kill(proc));

  it('starts the gateway on the embedded sandbox and logs its URLs through the logger', async () => {
    proc = await startGatewayProcess({});
    expect(proc.graphqlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    await proc.waitForLog((l) => /^ {2}S3: /.test(l.msg));
    const msgs = proc.logs.map((l) => l.msg);
    expect(msgs).toContainEqual(expect.stringMatching(/^ {2}ENCODE: http:\/\/127\.0\.0\.1:\d+ \(embedded sandbox\)$/));
    expect(msgs).toContainEqual(expect.stringMatching(/^ {2}GDC: +http:\/\/127\.0\.0\.1:\d+ \(embedded sandbox\)$/));
    const health = await request(proc.graphqlUrl.replace(/graphql$/, 'healthz'));
    expect(health.statusCode).toBe(200);
    await health.body.text();
  });
});
