import { checkAgainstProfile } from '../../../src/submission/encode-profile-check';
import { dryRunEncode } from '../../../src/submission/encode-dry-run';

// A served profile (mixins already resolved), shaped like the portal's lab/biosample profiles.
const profile = {
  id: '/profiles/thing.json',
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  required: ['lab', 'title'],
  additionalProperties: false,
  properties: {
    uuid: { type: 'string', format: 'uuid', serverDefault: 'uuid4', requestMethod: ['POST'] },
    title: { type: 'string', pattern: '^\\S.*$' },
    lab: { type: 'string', linkTo: 'Lab' },
    documents: { type: 'array', items: { type: 'string', linkTo: 'Document' } },
    status: { type: 'string', enum: ['in progress', 'released'], permission: 'import_items', readonly: true },
    count: { type: 'integer' },
    '@id': { type: 'string', notSubmittable: true },
  },
};

describe('checkAgainstProfile', () => {
  it('finds schema errors worded like the portal, with paths', () => {
    const { errors } = checkAgainstProfile(profile, { title: ' bad', count: '3', colour: 'red' }, ['title', 'count', 'colour']);
    const byMessage = Object.fromEntries(errors.map((e) => [e.message, e]));
    expect(byMessage["'lab' is a required property"]).toMatchObject({ type: 'MISSING_PROPERTY', keys: ['lab'] });
    expect(byMessage["Additional properties are not allowed ('colour' was unexpected)"]).toMatchObject({ type: 'INVALID_PROPERTY' });
    expect(byMessage["'3' is not of type 'integer'"]).toMatchObject({ type: 'INVALID_VALUE', keys: ['count'], location: 'count' });
    expect(byMessage["' bad' does not match '^\\\\S.*$'"]).toMatchObject({ type: 'INVALID_VALUE' });
  });

  it('refuses properties the caller may not submit and collects links', () => {
    const { errors, links } = checkAgainstProfile(
      profile,
      { title: 't', lab: '/labs/x/', documents: ['d:1', 'd:2'], status: 'released', '@id': '/things/1/' },
      ['title', 'lab', 'documents', 'status', '@id'],
    );
    expect(errors.map((e) => [e.type, e.message])).toEqual(
      expect.arrayContaining([
        ['INVALID_PERMISSIONS', "permission import_items required"],
        ['INVALID_PERMISSIONS', 'submission disallowed'],
      ]),
    );
    expect(links).toEqual([
      { property: 'lab', value: '/labs/x/' },
      { property: 'documents', value: 'd:1' },
      { property: 'documents', value: 'd:2' },
    ]);
  });
});

describe('dryRunEncode', () => {
  it('reports unknown links once looked up in one batch, and writes nothing', async () => {
    const asked: string[][] = [];
    const result = await dryRunEncode(
      [
        { record: { title: 'a', lab: '/labs/x/' }, type: 'thing' },
        { record: { title: 'b', lab: '/labs/missing/' }, type: 'thing' },
      ],
      profile,
      'create',
      async (ids) => {
        asked.push(ids);
        return ids.map((id) => (id === '/labs/x/' ? { '@id': id, '@type': ['Lab'], uuid: 'u' } : null));
      },
    );
    expect(asked).toEqual([['/labs/x/', '/labs/missing/']]);
    expect(result.entities.map((e) => [e.valid, e.action])).toEqual([
      [true, 'create'],
      [false, null],
    ]);
    expect(result.entities[1].errors).toEqual([
      { type: 'INVALID_LINK', message: "'/labs/missing/' not found", keys: ['lab'], location: 'lab' },
    ]);
    expect(result).toMatchObject({ dryRun: true, success: false, createdCount: 0, errorCount: 1 });
  });
});
