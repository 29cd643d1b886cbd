import { checkAgainstProfile } from '../../../src/services/encode/profile-check';
import { dryRunEncode, lookupId } from '../../../src/services/encode/dry-run';

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
      { property: 'lab', value: '/labs/x/', linkTo: ['Lab'] },
      { property: 'documents', value: 'd:1', linkTo: ['Document'] },
      { property: 'documents', value: 'd:2', linkTo: ['Document'] },
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

describe('links in a dry run', () => {
  it('looks bare unique keys up inside the target collection, by item_type', () => {
    expect(lookupId({ property: 'lab', value: 'barbara-wold', linkTo: ['Lab'] })).toBe('/lab/barbara-wold/');
    expect(lookupId({ property: 'biosample_ontology', value: 'cell_line_EFO_0001203/', linkTo: ['BiosampleType'] })).toBe(
      '/biosample_type/cell_line_EFO_0001203/',
    );
    expect(lookupId({ property: 'lab', value: 'barbara-wold:x', linkTo: ['Lab'] })).toBe('barbara-wold:x');
  });

  it('answers linkEnum (inside dependencies/not) from the looked-up uuids', async () => {
    // Shaped like biosample's rule: human organisms must not carry model-organism properties.
    const withEnum = {
      ...profile,
      properties: { ...profile.properties, organism: { type: 'string', linkTo: 'Organism' }, model_organism_sex: { type: 'string' } },
      dependencies: { model_organism_sex: { not: { properties: { organism: { linkTo: 'Organism', linkEnum: ['human-uuid'] } } } } },
    };
    const run = (organism: string) =>
      dryRunEncode([{ record: { title: 't', lab: '/labs/x/', organism, model_organism_sex: 'male' }, type: 'thing' }], withEnum, 'create', async (ids) =>
        ids.map((id) => ({ '@id': id, '@type': ['X'], uuid: id === '/organism/human/' ? 'human-uuid' : `${id}-uuid` })),
      );
    expect((await run('human')).entities[0].valid).toBe(false);
    expect((await run('mouse')).entities[0].valid).toBe(true);
  });
});
