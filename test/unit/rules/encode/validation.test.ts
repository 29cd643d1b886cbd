import { performance } from 'node:perf_hooks';
import { type LinkTarget, RecordValidator, type WriteContext } from '../../../../src/rules/encode/validation';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { dataPath } from '../../../../src/sandbox/shared/paths';

const registry = new ProfileRegistry(dataPath('encode', 'profiles'));
const biosample = registry.get('biosample')!.schema;
const humanDonor = registry.get('human_donor')!.schema;

const HUMAN = '7745b647-ff15-4ff3-9ced-b897d4e2983c';
const LAB = '00000000-0000-4000-8000-00000000001a';
const OTHER_LAB = '00000000-0000-4000-8000-00000000002a';
const USER = '00000000-0000-4000-8000-0000000000u1'.replace('u1', '0b');

/** A tiny portal: every identifier of each record it knows. */
const known: Record<string, LinkTarget> = {
  human: { uuid: HUMAN, types: ['Organism', 'Item'] },
  '/organisms/human/': { uuid: HUMAN, types: ['Organism', 'Item'] },
  mouse: { uuid: 'mouse-uuid', types: ['Organism', 'Item'] },
  'barbara-wold': { uuid: LAB, types: ['Lab', 'Item'] },
  '/labs/barbara-wold/': { uuid: LAB, types: ['Lab', 'Item'] },
  [LAB]: { uuid: LAB, types: ['Lab', 'Item'] },
  'other-lab': { uuid: OTHER_LAB, types: ['Lab', 'Item'] },
  ENCODE4: { uuid: 'award-uuid', types: ['Award', 'Item'] },
  atcc: { uuid: 'source-uuid', types: ['Source', 'Item'] },
  cell_line_EFO_0001203: { uuid: 'bt-uuid', types: ['BiosampleType', 'Item'] },
  [`/users/${USER}/`]: { uuid: USER, types: ['User', 'Item'] },
  [USER]: { uuid: USER, types: ['User', 'Item'] },
};
const links = { resolve: (value: string) => known[value] ?? null };
const validator = new RecordValidator();
const post = (extra: Partial<WriteContext> = {}): WriteContext => ({ method: 'POST', links, admin: false, submitsFor: [LAB], ...extra });
const sample = (extra: object = {}) => ({ award: 'ENCODE4', lab: 'barbara-wold', organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', ...extra });
const messages = (schema: object, data: object, ctx = post()) => validator.validate(schema, data, ctx).map((e) => [e.name, e.description]);

describe('RecordValidator (snovault on ajv), on the real profiles', () => {
  it('accepts a valid record', () => {
    expect(validator.validate(biosample, sample(), post())).toEqual([]);
  });

  it('checks the accession format as encoded does (the gateway used to skip it)', () => {
    const admin = post({ admin: true });
    expect(messages(biosample, sample({ accession: 'ENCBS12' }), admin)).toEqual([[['accession'], "'ENCBS12' is not a 'accession'"]]);
    expect(messages(biosample, sample({ accession: 'ENCXX000AAA' }), admin)).toEqual([[['accession'], "'ENCXX000AAA' is not a 'accession'"]]);
    expect(messages(biosample, sample({ accession: 'TSTBS012345' }), admin)).toEqual([]);
    expect(messages(biosample, sample({ accession: 'ENCBS000AAA' }), admin)).toEqual([]);
  });

  it('gives one error for all unexpected properties, as jsonschema does', () => {
    expect(messages(biosample, sample({ colour: 'red', size: 3 }))).toEqual([[[], "Additional properties are not allowed ('colour', 'size' were unexpected)"]]);
  });

  it("quotes values as Python's repr does, double quotes around a single quote", () => {
    expect(messages(biosample, sample({ passage_number: "5' end" }))).toEqual([[['passage_number'], `"5' end" is not of type 'integer'`]]);
    expect(messages(biosample, sample({ passage_number: 'it\'s "x"' }))).toEqual([[['passage_number'], `'it\\'s "x"' is not of type 'integer'`]]);
  });

  it('reads Python {,n} quantifiers in patterns', () => {
    const schema = { type: 'object', properties: { code: { type: 'string', pattern: '^a{,2}$' } } };
    expect(messages(schema, { code: 'aa' })).toEqual([]);
    expect(messages(schema, { code: 'aaa' })).toEqual([[['code'], "'aaa' does not match '^a{,2}$'"]]);
  });

  it('resolves links: not found, not of type, and linkEnum worded as snovault words it', () => {
    expect(messages(biosample, sample({ source: 'nowhere' }))).toEqual([[['source'], "'nowhere' not found"]]);
    expect(messages(biosample, sample({ source: 'barbara-wold' }))).toEqual([[['source'], "'barbara-wold' is not of type 'Source'"]]);
    const donor = { award: 'ENCODE4', lab: 'barbara-wold', organism: 'mouse' };
    expect(messages(humanDonor, donor)).toEqual([[['organism'], "'mouse' is not one of 'Organism'"]]);
  });

  it("refuses a lab the submitter does not submit for, naming the value given; admins and unknown submits_for pass", () => {
    expect(messages(biosample, sample({ lab: 'other-lab' }))).toEqual([[['lab'], "'other-lab' is not in user submits_for"]]);
    expect(messages(biosample, sample({ lab: 'other-lab' }), post({ admin: true }))).toEqual([]);
    expect(messages(biosample, sample({ lab: 'other-lab' }), post({ submitsFor: null }))).toEqual([]);
  });

  it('guards permission properties, except for admins and for values a PATCH/PUT leaves unchanged (links compared as uuids)', () => {
    expect(messages(biosample, sample({ status: 'released' }))).toEqual([[['status'], "permission 'import_items' required"]]);
    expect(messages(biosample, sample({ status: 'released' }), post({ admin: true }))).toEqual([]);
    const stored = { ...sample(), lab: LAB, status: 'in progress', submitted_by: USER };
    const put = post({ method: 'PUT', current: stored });
    // The edit frame renders links as paths; PUT back, they are the stored uuids.
    expect(messages(biosample, { ...sample(), status: 'in progress', submitted_by: `/users/${USER}/` }, put)).toEqual([]);
    expect(messages(biosample, { ...sample(), status: 'released' }, put)).toEqual([[['status'], "permission 'import_items' required"]]);
  });

  it('refuses a uuid outside POST and calculated properties, once each', () => {
    const patch = post({ method: 'PATCH', current: sample() });
    expect(messages(biosample, sample({ uuid: '0a6f2a2e-4e6c-4e3a-9a4e-4b0c9b1b7d6e' }), { ...patch, admin: true })).toEqual([[['uuid'], "request method 'PATCH' is not one of 'POST'"]]);
    expect(messages(biosample, sample({ '@id': '/biosamples/x/' }))).toEqual([[['@id'], 'submission disallowed']]);
  });

  it('checks formats encoded checks: date, and not hex or md5sum beyond their patterns', () => {
    expect(messages(biosample, sample({ date_obtained: '2024-02-30' }))).toEqual([[['date_obtained'], "'2024-02-30' is not a 'date'"]]);
    expect(messages(biosample, sample({ date_obtained: '2024-02-29' }))).toEqual([]);
  });

  it('compiles each profile once: later records reuse the compiled validator', () => {
    const schema = registry.get('library')!.schema;
    const t0 = performance.now();
    const first = validator.compile(schema);
    const compileMs = performance.now() - t0;
    expect(validator.compile(schema)).toBe(first);
    const t1 = performance.now();
    for (let i = 0; i < 500; i++) validator.validate(biosample, sample({ passage_number: i }), post());
    const perRecordMs = (performance.now() - t1) / 500;
    expect(perRecordMs).toBeLessThan(Math.max(compileMs, 1));
  });
});
