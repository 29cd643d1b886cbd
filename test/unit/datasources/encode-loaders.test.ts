import type { EncodeApi, EncodeSearchParams } from '../../../src/datasources/encode/client';
import { createEncodeLoaders, loadRecords } from '../../../src/datasources/encode/loaders';
import type { EncodeRecord } from '../../../src/datasources/encode/models';

function record(n: number): EncodeRecord {
  return {
    '@id': `/biosamples/ENCBS${String(n).padStart(3, '0')}AAA/`,
    '@type': ['Biosample', 'Item'],
    uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    accession: `ENCBS${String(n).padStart(3, '0')}AAA`,
    aliases: [`lab:b${n}`],
  };
}

/** An in-memory portal whose search index may lag (records missing from `indexed`). */
function fakeApi(records: EncodeRecord[], indexed = records) {
  const calls = { search: [] as EncodeSearchParams[], get: [] as string[] };
  const api: EncodeApi = {
    async search(params) {
      calls.search.push(params);
      const hits = indexed.filter((r) =>
        (params.filters ?? []).some(([field, value]) => {
          const v = r[field];
          return Array.isArray(v) ? v.includes(value) : v === value;
        }),
      );
      return { total: hits.length, records: hits };
    },
    async getRecord(id) {
      calls.get.push(id);
      return records.find((r) => [r.uuid, r.accession, r['@id'], ...(r.aliases ?? [])].includes(id)) ?? null;
    },
    checkIdentifier: async (id) => id,
    unreachable: async () => null,
    unreachableCollection: async () => null,
    getEditable: async () => null,
    getProfile: async () => null,
    profiles: async () => {
      throw new Error('not used');
    },
    create: async () => ({ status: 500 }),
    patch: async () => ({ status: 500 }),
    put: async () => ({ status: 500 }),
  };
  return { api, calls };
}

describe('loadRecords', () => {
  const all = Array.from({ length: 100 }, (_, i) => record(i));

  it('loads 100 accessions with one search, in the order asked', async () => {
    const { api, calls } = fakeApi(all);
    const ids = [...all].reverse().map((r) => r.accession!);
    const got = await loadRecords(api, ids);
    expect(calls.search).toHaveLength(1);
    expect(calls.search[0]).toMatchObject({ type: 'Item', limit: 'all', frame: 'object' });
    expect(calls.get).toHaveLength(0);
    expect(got.map((r) => r?.accession)).toEqual(ids);
  });

  it('reads one id alone with one GET, not a search', async () => {
    const { api, calls } = fakeApi(all);
    const [got] = await loadRecords(api, ['lab:b7']);
    expect(got?.accession).toBe(all[7].accession);
    expect(calls).toEqual({ search: [], get: ['lab:b7'] });
  });

  it('uses one search per kind of identifier', async () => {
    const { api, calls } = fakeApi(all);
    const got = await loadRecords(api, [all[0].uuid, all[1].accession!, 'lab:b2', all[3]['@id']]);
    // The @id path ends in an accession: it joins the accession search.
    expect(calls.search.map((s) => s.filters![0][0]).sort()).toEqual(['accession', 'aliases', 'uuid']);
    expect(calls.search.find((s) => s.filters![0][0] === 'accession')!.filters).toEqual([
      ['accession', all[1].accession],
      ['accession', all[3].accession],
    ]);
    expect(got.map((r) => r?.accession)).toEqual([all[0].accession, all[1].accession, all[2].accession, all[3].accession]);
  });

  it('searches @id paths by the uuid or accession they end with, and other paths by @id', async () => {
    const lab = { ...record(7), '@id': '/labs/lab-seven/', accession: undefined };
    const replicate = { ...record(8), '@id': `/replicates/${record(8).uuid}/`, accession: undefined };
    const { api, calls } = fakeApi([...all.slice(0, 3), lab, replicate]);
    const got = await loadRecords(api, [all[0]['@id'], replicate['@id'], lab['@id'], all[1]['@id']]);
    expect(calls.search.map((s) => s.filters).sort()).toEqual([
      [['@id', '/labs/lab-seven/']],
      [['accession', all[0].accession], ['accession', all[1].accession]],
      [['uuid', replicate.uuid]],
    ]);
    expect(got).toEqual([all[0], replicate, lab, all[1]]);
  });

  it('reads one canonical path with one GET, not a search', async () => {
    const { api, calls } = fakeApi(all);
    expect(await loadRecords(api, [all[5]['@id']])).toEqual([all[5]]);
    expect(calls.get).toEqual([all[5]['@id']]);
    expect(calls.search).toHaveLength(0);
  });

  it('reads records missing from the index one by one, and returns null for unknown ids', async () => {
    const { api, calls } = fakeApi(all, all.slice(0, 98));
    const got = await loadRecords(api, [all[0].accession!, all[98].accession!, all[99].accession!, 'ENCBS999ZZZ']);
    expect(calls.search).toHaveLength(1);
    expect(calls.get.sort()).toEqual([all[98].accession, all[99].accession, 'ENCBS999ZZZ'].sort());
    expect(got.map((r) => r?.accession ?? null)).toEqual([all[0].accession, all[98].accession, all[99].accession, null]);
  });
});

describe('createEncodeLoaders', () => {
  const all = Array.from({ length: 10 }, (_, i) => record(i));

  it('caches a record under every identifier it answers to: asked again by another one, it costs nothing', async () => {
    const { api, calls } = fakeApi(all);
    const loaders = createEncodeLoaders(api);
    const [a, b] = await Promise.all([loaders.record.load(all[1].accession!), loaders.record.load(all[2].uuid)]);
    expect([a, b]).toEqual([all[1], all[2]]);
    const again = await Promise.all([all[1].uuid, all[1]['@id'], 'lab:b1', all[2].accession!].map((id) => loaders.record.load(id)));
    expect(again).toEqual([all[1], all[1], all[1], all[2]]);
    expect(calls.search.length + calls.get.length).toBe(2);
  });

  it('prime() makes records from a list free for later links', async () => {
    const { api, calls } = fakeApi(all);
    const loaders = createEncodeLoaders(api);
    loaders.prime(all[3]);
    expect(await loaders.record.load(all[3]['@id'])).toBe(all[3]);
    expect(calls.search.length + calls.get.length).toBe(0);
  });
});
