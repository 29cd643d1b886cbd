import { ENCODE_SANDBOX_KEYS } from '../../../src/sandbox/encode';
import { readInserts } from '../../../src/sandbox/encode/inserts';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { startPortal, type RunningPortal } from '../../support/encode-portal';

/** The sandbox on the real profiles loads the real inserts by default, so registration works at once. */
describe('ENCODE sandbox on the real profiles, seeded with the real inserts', () => {
  let portal: RunningPortal;
  const inserts = readInserts(dataPath('encode', 'inserts'));

  beforeAll(async () => {
    portal = await startPortal({ profilesDir: dataPath('encode', 'profiles') });
  }, 60_000);
  afterAll(() => portal.stop());

  it('holds every insert but the CMS pages nested under another page', () => {
    // Child pages name their parent by root path (`/test-section`), which the emulator does not model.
    const nested = inserts.rows('page').filter((p) => p.parent).length;
    expect(nested).toBe(2);
    const expected = inserts.order.ORDER.reduce((n, t) => n + inserts.rows(t).length, 0) - nested;
    const loaded = portal.sandbox.portal.store.all().filter((i) => i.itemType !== 'user' || !String(i.properties.email).endsWith('@sandbox.invalid'));
    expect(loaded.length).toBe(expected);
  });

  it('lets the sandbox submitter register a biosample for a lab of the inserts', async () => {
    const res = await portal.call(
      'POST',
      '/biosample',
      { award: 'ENCODE2', lab: 'richard-myers', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: ['richard-myers:seeded-sandbox-1'] },
      ENCODE_SANDBOX_KEYS.submitter,
    );
    expect(res.status).toBe(201);
    expect(res.body['@graph'][0]).toMatchObject({ lab: '/labs/richard-myers/', aliases: ['richard-myers:seeded-sandbox-1'] });
  });

  it("gives the sandbox keys' users the user profile's current schema_version", async () => {
    const profile = await portal.call('GET', '/profiles/user.json');
    const users = await portal.call('GET', '/search/?type=User&email=submitter@sandbox.invalid&frame=object&format=json');
    expect(users.body['@graph']).toHaveLength(1);
    expect(users.body['@graph'][0].schema_version).toBe(profile.body.properties.schema_version.default);
    expect(profile.body.properties.schema_version.default).not.toBe('1');
  });
});
