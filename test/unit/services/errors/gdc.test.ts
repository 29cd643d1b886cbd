import { ErrorMemo, gdcEntityErrors, gdcTransactionalError } from '../../../../src/services/errors/gdc';

const one = (type: string, message: string, keys: string[] = [], extra: Record<string, unknown> = {}) => gdcEntityErrors([{ type, message, keys, ...extra }], 'sample');

describe('GDC entity errors in the gateway shape', () => {
  it.each([
    // [GDC type, GDC message, keys, code, plain words]
    ['INVALID_TYPE', "Invalid entity type: casse. Did you mean 'case'?", ['type'], 'INVALID_TYPE', "type 'casse' is not a GDC entity type; did you mean 'case'?"],
    ['INVALID_TYPE', 'Invalid entity type: zzz.', ['type'], 'INVALID_TYPE', "type 'zzz' is not a GDC entity type (e.g. case, sample, aliquot)"],
    ['INVALID_TYPE', "missing 'type'", ['type'], 'INVALID_TYPE', 'type is required but not given: every entity names its type (e.g. case, sample, aliquot)'],
    ['INVALID_TYPE', 'program is not an entity that can be upload via the project endpoint.', ['id'], 'INVALID_TYPE', 'a program cannot be submitted to a project: GDC creates programs and projects itself'],
    ['INVALID_VALUE', 'Cannot create entity with custom id that is not a UUID.', ['id'], 'INVALID_VALUE', 'id must be a UUID (or left out, and GDC makes one)'],
    ['INVALID_VALUE', 'Entity document must be an object, not a list', [], 'INVALID_VALUE', 'each entity must be a JSON object, not a list'],
    ['NOT_UNIQUE', 'Cannot create an entity with an id that already exists.', ['id'], 'NOT_UNIQUE', 'an entity with this id already exists (submit with upsert: true to update it)'],
    [
      'INVALID_LINK',
      "No link destination found for cases, unique_keys='[{'project_id': 'GDC-INTERNAL', 'submitter_id': 'NOPE'}]'",
      ['cases'],
      'INVALID_LINK',
      "link cases: no entity with project_id 'GDC-INTERNAL' and submitter_id 'NOPE' (it must exist already, or be in this submission)",
    ],
    [
      'INVALID_LINK',
      "No link destination found for cases, id='9a0c5a5e-0000-4000-8000-000000000000', unique_keys='[{'project_id': 'GDC-INTERNAL', 'submitter_id': None}]'",
      ['cases'],
      'INVALID_LINK',
      "link cases: no entity with id '9a0c5a5e-0000-4000-8000-000000000000', or project_id 'GDC-INTERNAL' and submitter_id null (it must exist already, or be in this submission)",
    ],
    ['INVALID_LINK', 'More than one link destination found for cases', ['cases'], 'INVALID_LINK', 'link cases names more than one entity; name one, by id or by its unique keys'],
    ['ERROR', "case with {'project_id': 'GDC-INTERNAL', 'submitter_id': 'D1'} already exists in the GDC", ['project_id', 'submitter_id'], 'NOT_UNIQUE', "a case with project_id 'GDC-INTERNAL' and submitter_id 'D1' already exists"],
    ['NOT_UNIQUE', "Entity is not unique, 2 entities found with (('GDC-INTERNAL', 'X'),)", [], 'NOT_UNIQUE', "2 entities already have the unique key values ('GDC-INTERNAL', 'X')"],
    ['INVALID_PROPERTY', "Key 'colour' is not a valid property for type 'case'. Did you mean 'color'?", ['colour'], 'INVALID_PROPERTY', "colour is not a property of case; did you mean 'color'?"],
    ['INVALID_PERMISSIONS', "Key 'state' is a system property and cannot be updated from 'validated' to 'released'", ['state'], 'INVALID_PERMISSIONS', "state is a system property: GDC sets it, and it cannot change from 'validated' to 'released'"],
    // jsonschema's messages: GDC leaves most as ERROR; the wording gives the code.
    ['ERROR', "'Tumour' is not one of ['Tumor', 'Normal']", ['tissue_type'], 'INVALID_VALUE', "tissue_type 'Tumour' is not one of the allowed values: 'Tumor', 'Normal'"],
    ['ERROR', '-42875 is less than the minimum of -32872', ['days_to_birth'], 'INVALID_VALUE', 'days_to_birth -42875 is below the minimum: it must be at least -32872'],
    ['INVALID_VALUE', "None is not of type 'string'", ['submitter_id'], 'INVALID_VALUE', 'submitter_id must be a string, not null'],
    ['MISSING_PROPERTY', "'tissue_type' is a required property", ['tissue_type'], 'MISSING_PROPERTY', 'tissue_type is required but not given'],
    ['ERROR', "Additional properties are not allowed ('colour' was unexpected)", [], 'INVALID_PROPERTY', 'colour is not a property of sample'],
    ['INVALID_LINK', "'cases' link has to be many_to_one", ['cases'], 'INVALID_LINK', 'link cases must be many to one'],
    ['INVALID_LINK', 'Entity is missing required link to cases', ['cases'], 'INVALID_LINK', 'link cases is required but not given'],
  ])('%s %s', (type, message, keys, code, words) => {
    const [error] = one(type, message, keys);
    expect(error).toMatchObject({ type: code, message: words, upstreamMessage: message, location: null });
    expect(error.message).not.toMatch(/unique_keys=|\[\{'|None\b/);
  });

  it('gives an error its keys from the message when GDC gave none', () => {
    expect(one('ERROR', "Additional properties are not allowed ('colour', 'size' were unexpected)")[0].keys).toEqual(['colour', 'size']);
    expect(one('INVALID_TYPE', "missing 'type'")[0].keys).toEqual(['type']);
  });

  it('keeps a message no rule knows, with GDC\'s type when it is one of the vocabulary (ERROR otherwise)', () => {
    expect(one('NOT_FOUND', "Case submitter_id 'X' not found in dbGaP.")[0]).toMatchObject({ type: 'NOT_FOUND', message: "Case submitter_id 'X' not found in dbGaP." });
    expect(one('SOMETHING_NEW', 'A new wording')[0]).toMatchObject({ type: 'ERROR', message: 'A new wording', upstreamMessage: 'A new wording' });
  });

  it("merges GDC's duplicate entries for one unknown type into one INVALID_TYPE, keeping both texts", () => {
    const errors = gdcEntityErrors(
      [
        { type: 'INVALID_TYPE', message: "Invalid entity type: casse. Did you mean 'case'?", keys: ['type'] },
        { type: 'ERROR', message: 'specified type: casse is not in the current data model', keys: ['type'] },
      ],
      'casse',
    );
    expect(errors).toEqual([
      {
        type: 'INVALID_TYPE',
        message: "type 'casse' is not a GDC entity type; did you mean 'case'?",
        upstreamMessage: "Invalid entity type: casse. Did you mean 'case'?\nspecified type: casse is not in the current data model",
        keys: ['type'],
        location: null,
        dependents: null,
      },
    ]);
  });

  it("merges a missing type's two entries (INVALID_TYPE and the schema's required 'type')", () => {
    const errors = gdcEntityErrors(
      [
        { type: 'INVALID_TYPE', message: "missing 'type'", keys: ['type'] },
        { type: 'MISSING_PROPERTY', message: "'type' is a required property", keys: ['type'] },
      ],
      null,
    );
    expect(errors).toEqual([
      {
        type: 'INVALID_TYPE',
        message: 'type is required but not given: every entity names its type (e.g. case, sample, aliquot)',
        upstreamMessage: "missing 'type'\n'type' is a required property",
        keys: ['type'],
        location: null,
        dependents: null,
      },
    ]);
    const unkeyed = gdcEntityErrors(
      [
        { type: 'INVALID_TYPE', message: "missing 'type'", keys: ['type'] },
        { type: 'ERROR', message: "'type' is a required property", keys: [] },
      ],
      null,
    );
    expect(unkeyed).toHaveLength(1);
    expect(unkeyed[0].upstreamMessage).toBe("missing 'type'\n'type' is a required property");
  });

  it('keeps distinct errors apart: other keys, or the same keys with another code', () => {
    const errors = gdcEntityErrors(
      [
        { type: 'ERROR', message: "'x' is not one of ['a']", keys: ['tissue_type'] },
        { type: 'ERROR', message: "'y' is not one of ['b']", keys: ['specimen_type'] },
        { type: 'INVALID_LINK', message: 'More than one link destination found for cases', keys: ['cases'] },
        { type: 'INVALID_LINK', message: 'Entity is missing required link to cases', keys: ['cases'] },
      ],
      'sample',
    );
    expect(errors.map((e) => [e.type, e.keys])).toEqual([
      ['INVALID_VALUE', ['tissue_type']],
      ['INVALID_VALUE', ['specimen_type']],
      ['INVALID_LINK', ['cases']],
      ['INVALID_LINK', ['cases']],
    ]);
    // Two bad values of one list property are two errors; the same entry twice is one.
    const twice = { type: 'ERROR', message: "'x' is not one of ['a']", keys: ['tissue_type'] };
    expect(gdcEntityErrors([twice, { ...twice, message: "'y' is not one of ['a']" }], 'sample')).toHaveLength(2);
    expect(gdcEntityErrors([twice, { ...twice }], 'sample')).toHaveLength(1);
  });

  it("keeps a deletion's dependents and names the id GDC could not find", () => {
    const [refused] = one('INVALID_LINK', 'Unable to delete entity because at least 1 other(s) directly or indirectly depend on it.', [], { dependents: [{ id: 'd1', type: 'aliquot' }] });
    expect(refused.dependents).toEqual(['d1']);
    expect(one('NOT_FOUND', 'Entity not found.', ['id'], { id: 'abc' })[0].message).toBe("no entity has id 'abc' in this project");
  });

  it('words transactional errors plainly, keeping their type and GDC\'s text', () => {
    expect(gdcTransactionalError({ message: "Entity is not unique, (('GDC-INTERNAL', 'D1'),)", type: 'NOT_UNIQUE' })).toBe(
      "NOT_UNIQUE: more than one entity of this submission has the unique key values ('GDC-INTERNAL', 'D1') (GDC: Entity is not unique, (('GDC-INTERNAL', 'D1'),))",
    );
    expect(gdcTransactionalError('Nothing to submit')).toBe('Nothing to submit');
  });

  it('words a message holding a value of megabytes from its head and tail, keeping the whole text upstream', () => {
    const value = 'x'.repeat(7_000_000);
    const message = `'${value}' is not one of ['a', 'b']`;
    const started = performance.now();
    const [error] = one('ERROR', message, ['k']);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.type).toBe('INVALID_VALUE');
    expect(error.message).toMatch(/^k 'x{200}… \(\d+ characters\)' is not one of the allowed values: 'a', 'b'$/);
    expect(error.upstreamMessage).toBe(message);
  });

  it('translates the entries an answer repeats once, and gives every entity its own copies', () => {
    const memo = new ErrorMemo();
    const raw = [{ type: 'ERROR', message: "'x' is not one of ['a']", keys: ['k'] }];
    const first = memo.errorsOf(raw, 'sample');
    const second = memo.errorsOf(raw, 'sample');
    expect(second).toEqual(first);
    expect(second[0]).not.toBe(first[0]);
    first[0].message = 'changed';
    expect(memo.errorsOf(raw, 'sample')[0].message).toBe("k 'x' is not one of the allowed values: 'a'");
  });
});
