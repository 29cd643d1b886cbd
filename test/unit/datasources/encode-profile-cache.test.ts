import type { UpstreamHttp, UpstreamRequest, UpstreamResponse } from '../../../src/datasources/http';
import { EncodeProfileCache } from '../../../src/datasources/encode/profiles';

const served = (title: string) => ({
  '@type': ['JSONSchemas'],
  Lab: { id: '/profiles/lab.json', title, properties: { name: { type: 'string' } } },
  Donor: { id: '/profiles/donor.json', title: 'Donor', properties: {} },
  HumanDonor: { id: '/profiles/human_donor.json', title: 'Human donor', properties: { organism: { linkTo: 'Organism' } } },
  _subtypes: { Lab: ['Lab'], Donor: ['HumanDonor'], HumanDonor: ['HumanDonor'] },
});

/** A portal answering /profiles/ with an ETag, and 304 to a matching If-None-Match. */
function portal() {
  const state = { body: JSON.stringify(served('Lab')), etag: '"v1"', requests: [] as UpstreamRequest[] };
  const http: Pick<UpstreamHttp, 'request'> = {
    async request(req): Promise<UpstreamResponse> {
      state.requests.push(req);
      if (req.headers?.['if-none-match'] === state.etag) return { status: 304, headers: { etag: state.etag }, json: undefined, text: '' };
      return { status: 200, headers: { etag: state.etag }, json: JSON.parse(state.body), text: state.body };
    },
  };
  return { http, state };
}

describe('EncodeProfileCache', () => {
  it('fetches /profiles/ once, anonymously, and serves it from memory while fresh', async () => {
    const { http, state } = portal();
    const cache = new EncodeProfileCache(60_000);
    const first = await cache.get(http);
    const again = await cache.get(http);
    expect(again).toBe(first);
    expect(state.requests).toHaveLength(1);
    expect(state.requests[0]).toMatchObject({ method: 'GET', path: '/profiles/' });
    expect(state.requests[0].headers).not.toHaveProperty('authorization');
    expect(first.get('lab')?.name).toBe('Lab');
    expect(first.get('human_donor')?.bases).toEqual(['Donor']);
    expect(first.get('Donor')).toMatchObject({ abstract: true, subtypes: ['HumanDonor'] });
  });

  it('revalidates a stale set in the background with If-None-Match, keeping the same object while unchanged', async () => {
    const { http, state } = portal();
    let now = 0;
    const cache = new EncodeProfileCache(1_000, () => now);
    const first = await cache.get(http);
    now = 5_000;
    expect(await cache.get(http)).toBe(first); // stale: answered at once, refreshed behind
    await new Promise((r) => setImmediate(r));
    expect(state.requests.map((r) => r.headers?.['if-none-match'])).toEqual([undefined, '"v1"']);
    // A changed portal: the next revalidation brings a new set (and so new compiled validators).
    state.body = JSON.stringify(served('Laboratory'));
    state.etag = '"v2"';
    now = 10_000;
    await cache.get(http);
    await new Promise((r) => setImmediate(r));
    const changed = await cache.get(http);
    expect(changed).not.toBe(first);
    expect(changed.get('lab')?.schema.title).toBe('Laboratory');
    // refresh: fetched now (a profile the cached set does not know yet).
    await cache.get(http, true);
    expect(state.requests).toHaveLength(4);
  });
});
