import { readInserts } from '../../../src/sandbox/encode/inserts';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { startPortal, type RunningPortal } from '../../support/encode-portal';

/**
 * The portal's own test inserts, loaded the way encoded's loadxl loads them: every type in ORDER,
 * phase 1 POSTs each row without the keys that form cycles, phase 2 PATCHes the full rows.
 */
const INSERTS = readInserts(dataPath('encode', 'inserts'));
const LOAD = INSERTS.order;
const CORE = ['award', 'lab', 'organism', 'source', 'human_donor', 'mouse_donor', 'biosample_type', 'biosample', 'library', 'experiment', 'replicate', 'file', 'document', 'genetic_modification'];
const inserts = (type: string) => INSERTS.rows(type);
const rowFor = (type: string, raw: Record<string, unknown>, phase: 1 | 2) => INSERTS.rowFor(type, raw, phase);

describe('ENCODE emulator loads the real test inserts (real profiles, loadxl order)', () => {
  let portal: RunningPortal;
  const failures: Record<string, string[]> = {};
  const fail = (type: string, msg: string) => (failures[type] ??= []).push(msg);
  /** Where phase 2 finds a row without a uuid (keyed by name): the `@id` its POST answered with. */
  const atIds = new Map<Record<string, unknown>, string>();
  let posted = 0;
  let patched = 0;

  beforeAll(async () => {
    portal = await startPortal({ profilesDir: dataPath('encode', 'profiles'), seedFile: null });
    for (const type of LOAD.ORDER) {
      for (const raw of inserts(type)) {
        const res = await portal.call('POST', `/${type}`, rowFor(type, raw, 1));
        if (res.status === 201) {
          posted++;
          atIds.set(raw, res.body['@graph'][0]['@id']);
        }
        else fail(type, `POST ${raw.uuid}: ${res.status} ${JSON.stringify(res.body.errors ?? res.body.detail ?? res.body).slice(0, 400)}`);
      }
    }
    for (const type of LOAD.ORDER) {
      for (const raw of inserts(type)) {
        const id = raw.uuid ? `/${String(raw.uuid)}` : (atIds.get(raw) ?? `/${String(raw.accession)}`);
        const res = await portal.call('PATCH', id, rowFor(type, raw, 2));
        if (res.status === 200) patched++;
        else fail(type, `PATCH ${id}: ${res.status} ${JSON.stringify(res.body.errors ?? res.body.detail ?? res.body).slice(0, 400)}`);
      }
    }
  }, 300_000);
  afterAll(() => portal.stop());

  it('accepts every insert of the core types in both phases', () => {
    const core = Object.fromEntries(CORE.map((t) => [t, failures[t] ?? []]).filter(([, f]) => f.length));
    expect(core).toEqual({});
    for (const type of CORE) expect(inserts(type).length).toBeGreaterThan(0);
  });

  it('accepts the inserts of every other type too, except CMS pages', () => {
    const total = LOAD.ORDER.reduce((n, t) => n + inserts(t).length, 0);
    // Pages live at root paths (`/test-section/`, resolved by `page:location`), which the emulator
    // does not model: the portal's CMS is outside what submitters touch.
    expect(Object.fromEntries(Object.entries(failures).filter(([t]) => t !== 'page'))).toEqual({});
    expect(posted + patched).toBeGreaterThan(2 * total - 2 * inserts('page').length - 1);
  });

  it('resolves what was loaded by accession, alias, uuid and collection key, with links as @id', async () => {
    const bs = inserts('biosample')[0] as { uuid: string; accession: string; aliases: string[] };
    const byAccession = await portal.call('GET', `/biosamples/${bs.accession}/?format=json&frame=object`);
    expect(byAccession.status).toBe(200);
    expect(byAccession.body).toMatchObject({ uuid: bs.uuid, accession: bs.accession, '@id': `/biosamples/${bs.accession}/`, lab: '/labs/richard-myers/', award: '/awards/ENCODE2/' });
    expect(byAccession.body['@type']).toEqual(['Biosample', 'Item']);
    const alias = await portal.call('GET', `/${encodeURIComponent(bs.aliases[0])}/?format=json`);
    expect(alias.status).toBe(301);
    expect(alias.headers.location).toBe(`/biosamples/${bs.accession}/?format=json`);
    expect((await portal.call('GET', `/labs/richard-myers/?format=json`)).body.name).toBe('richard-myers');
    const donor = await portal.call('GET', `/human-donors/ENCDO000HUM/?format=json&frame=object`);
    expect(donor.body['@type']).toEqual(['HumanDonor', 'Donor', 'Item']);
  });

});
