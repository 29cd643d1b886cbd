import { request } from 'undici';
import { FaultSwitch } from '../../../src/sandbox/shared/faults';
import { startPortal, type RunningPortal } from '../../support/encode-portal';

/** The sandbox's fault switch, on the ENCODE emulator over HTTP. */
describe('sandbox fault switch', () => {
  let portal: RunningPortal;
  const faults = new FaultSwitch();

  beforeAll(async () => {
    portal = await startPortal({ faults });
  });
  afterAll(() => portal.stop());
  afterEach(() => faults.clear());

  const organism = (name: string) => ({ name, taxon_id: String(1000 + name.length), scientific_name: `Organismus ${name}` });

  it('adds latency to matching requests only', async () => {
    faults.set([{ method: 'GET', path: '^/profiles/', latencyMs: 300 }]);
    let t = Date.now();
    expect((await portal.call('GET', '/profiles/lab.json')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    t = Date.now();
    expect((await portal.call('GET', '/search/?type=Lab&format=json')).status).toBe(200);
    expect(Date.now() - t).toBeLessThan(250);
  });

  it('answers injected errors a given number of times, then handles requests again', async () => {
    faults.set([{ path: '^/search', errorRate: 1, status: 502, times: 2 }]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await portal.call('GET', '/search/?type=Lab&format=json')).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(faults.list()[0].applied).toBe(2);
  });

  it('resets the connection before handling: nothing is written', async () => {
    faults.set([{ method: 'POST', path: '^/organism', reset: true, times: 1 }]);
    await expect(portal.call('POST', '/organism', organism('resetia'))).rejects.toThrow();
    expect((await portal.call('GET', '/organisms/resetia/?format=json')).status).toBe(404);
  });

  it('drops the response after the write landed ("commit then drop")', async () => {
    faults.set([{ method: 'POST', path: '^/organism', dropResponse: true, times: 1 }]);
    await expect(portal.call('POST', '/organism', organism('droppia'))).rejects.toThrow();
    const after = await portal.call('GET', '/organisms/droppia/?format=json');
    expect(after.status).toBe(200);
    expect(after.body.name).toBe('droppia');
  });

  it('hangs until the client gives up', async () => {
    faults.set([{ path: '^/labs/', hang: true, times: 1 }]);
    const t = Date.now();
    await expect(request(`${portal.url}/labs/x/`, { headersTimeout: 400 }).then((r) => r.body.text())).rejects.toThrow(/timeout/i);
    expect(Date.now() - t).toBeGreaterThanOrEqual(390);
  });

  it('is driven over HTTP at /_sandbox/faults, and refuses malformed rules', async () => {
    const put = await portal.call('PUT', '/_sandbox/faults', [{ method: 'GET', path: '^/awards/', errorRate: 1, status: 500 }], null);
    expect(put.status).toBe(200);
    expect(put.body).toEqual([{ method: 'GET', path: '^/awards/', errorRate: 1, status: 500, applied: 0 }]);
    expect((await portal.call('GET', '/awards/x/?format=json')).status).toBe(500);
    const bad = await portal.call('POST', '/_sandbox/faults', [{ route: '/x' }], null);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/unknown keys: route/);
    expect((await portal.call('DELETE', '/_sandbox/faults', undefined, null)).body).toEqual([]);
    expect(() => FaultSwitch.fromEnv('{"not": "an array"}')).toThrow(/SANDBOX_FAULTS/);
  });
});
