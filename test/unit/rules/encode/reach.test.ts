import fc from 'fast-check';
import { collectionName } from '../../../../src/rules/encode/naming';
import { DEFAULT_REACH, reachableRecord, unreachableCollection, unreachableIdentifier, unreachableSearchType } from '../../../../src/rules/encode/reach';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { dataPath } from '../../../../src/sandbox/shared/paths';

/** The real profiles (126 types, users and access keys among them), as the portal serves them. */
const profiles = new ProfileRegistry(dataPath('encode', 'profiles'));
const USERS = { allowUsers: true };
const NOT_RECORDS = new Set(['access-keys', 'access_key', 'users', 'user']);
const collections = [...profiles.types.values()].map((t) => t.collection);
const submission = collections.filter((c) => !NOT_RECORDS.has(c));

/** Path segments as a caller may write them: record collections, the portal's machinery, noise. */
const segment = fc.oneof(
  fc.constantFrom(...collections, ...[...profiles.types.keys()]),
  fc.constantFrom('_sandbox', '_indexer', '@@listing', 'search', 'report', 'me', 'session', 'profiles', 'batch_download', 'users', 'access-keys'),
  fc.stringMatching(/^[A-Za-z0-9_@][A-Za-z0-9_.:@~-]{0,20}$/),
);

describe('only records are reachable (ENCODE)', () => {
  it('accepts @id paths under the collections (or item types) of submission profiles', () => {
    expect(submission.length).toBeGreaterThan(100);
    for (const c of submission) expect(unreachableIdentifier(`/${c}/TSTBS012345/`, profiles, DEFAULT_REACH)).toBeNull();
    expect(unreachableIdentifier('/biosample/TSTBS012345/', profiles, DEFAULT_REACH)).toBeNull();
    expect(unreachableIdentifier('/labs/sandbox-lab/', profiles, DEFAULT_REACH)).toBeNull();
  });

  it('keeps uuids, accessions, aliases and md5: valid', () => {
    for (const id of ['7e4d9d0c-4b1a-4b47-9a7a-2f8a7b5c1d00', 'ENCBS000AAA', 'TSTBS012345', 'sandbox-lab:sample-1', `md5:${'a'.repeat(32)}`]) {
      expect(unreachableIdentifier(id, profiles, DEFAULT_REACH)).toBeNull();
    }
  });

  it.each([
    ['/users/x/', /users are not submission records.*ENCODE_ALLOW_USERS/],
    ['/user/x/', /users are not submission records/],
    ['/access-keys/SBXSUBMIT/', /access keys are credentials/],
    ['/access_key/SBXSUBMIT/', /access keys are credentials/],
    ['/_sandbox/faults/', /portal's own machinery/],
    ['/@@listing/x/', /portal's own machinery/],
    ['/labs/@@listing/', /a view of the portal/],
    ['/search/x/', /no profile whose collection is 'search'/],
    ['/labs/', /an @id path is \/<collection>\/<key>\//],
    ['users', /a bare key names a record only inside its collection/],
    ['search', /a bare key/],
  ])('refuses %s, saying why', (id, why) => {
    expect(unreachableIdentifier(id, profiles, DEFAULT_REACH)).toMatch(why);
  });

  it('reaches users only with ENCODE_ALLOW_USERS, and access keys never', () => {
    expect(unreachableIdentifier('/users/x/', profiles, USERS)).toBeNull();
    expect(unreachableIdentifier('/access-keys/x/', profiles, USERS)).toMatch(/credentials/);
    expect(unreachableCollection('_users', profiles, USERS)).toMatch(/machinery/);
  });

  it('lets nothing outside the allowed collections pass, whatever the path (property)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 0, maxLength: 4 }), fc.boolean(), fc.boolean(), (parts, trailing, allowUsers) => {
        const id = `/${parts.join('/')}${trailing ? '/' : ''}`;
        const policy = { allowUsers };
        if (unreachableIdentifier(id, profiles, policy) !== null) return;
        // It passed: exactly two segments, the first an allowed collection or item type, the key no view.
        const segments = id.split('/').filter(Boolean);
        expect(segments).toHaveLength(2);
        const info = profiles.byCollectionName(segments[0]) ?? profiles.types.get(segments[0]);
        expect(info).toBeDefined();
        expect(info!.collection).not.toBe('access-keys');
        if (!allowUsers) expect(info!.collection).not.toBe('users');
        expect(segments[0]).not.toMatch(/^(_|@@)/);
        expect(segments[1]).not.toMatch(/^(_|@@)/);
      }),
      { numRuns: 3000 },
    );
  });

  it('checks the record that answers (a uuid may name a user) and search types', () => {
    expect(reachableRecord({ '@id': '/users/0b7a1b2c/' }, profiles, DEFAULT_REACH)).toBe(false);
    expect(reachableRecord({ '@id': '/access-keys/0b7a1b2c/' }, profiles, USERS)).toBe(false);
    expect(reachableRecord({ '@id': '/biosamples/TSTBS012345/' }, profiles, DEFAULT_REACH)).toBe(true);
    expect(unreachableSearchType('User', profiles, DEFAULT_REACH)).toMatch(/users/);
    expect(unreachableSearchType('AccessKey', profiles, USERS)).toMatch(/credentials/);
    expect(unreachableSearchType('Biosample', profiles, DEFAULT_REACH)).toBeNull();
    expect(unreachableSearchType('Item', profiles, DEFAULT_REACH)).toBeNull();
    expect(collectionName('access_key')).toBe('access-keys');
  });

  it('refuses what it knows by name while the portal does not serve its profiles', () => {
    for (const id of ['/users/x/', '/access-keys/SBXSUBMIT/', '/_indexer/x/', '/labs/@@listing/', 'sandbox-lab']) {
      expect(unreachableIdentifier(id, null, DEFAULT_REACH)).toEqual(expect.any(String));
    }
    expect(unreachableIdentifier('/labs/sandbox-lab/', null, DEFAULT_REACH)).toBeNull();
    expect(reachableRecord({ '@id': '/users/0b7a1b2c/' }, null, DEFAULT_REACH)).toBe(false);
    expect(reachableRecord({ '@id': '/labs/sandbox-lab/' }, null, DEFAULT_REACH)).toBe(true);
    expect(unreachableSearchType('User', null, DEFAULT_REACH)).toMatch(/users/);
    expect(unreachableSearchType('AccessKey', null, USERS)).toMatch(/credentials/);
    expect(unreachableSearchType('Biosample', null, DEFAULT_REACH)).toBeNull();
  });
});
