import { pythonRegExp, SchemaValidator } from '../../../../src/sandbox/gdc/validate/schema';
import { fixtureDictionary } from './fixture';

const dictionary = fixtureDictionary();
const validator = new SchemaValidator((t) => dictionary.get(t)?.schema);
const messages = (type: string, doc: unknown) => validator.validate(type, doc).map((e) => e.message);

describe('JSON Schema errors in Python jsonschema wording', () => {
  it('passes a valid document (formats are not checked, as Draft4Validator without a checker)', () => {
    expect(validator.validate('case', { type: 'case', submitter_id: 'C', created_datetime: 'not a date', projects: { code: 'X' } })).toEqual([]);
  });

  it('words enum, type, range and required errors', () => {
    expect(messages('case', { type: 'case', primary_site: 'Moon', days_to_consent: -42875 })).toEqual(
      expect.arrayContaining([
        "'submitter_id' is a required property",
        "'Moon' is not one of ['Brain', 'Kidney']",
        '-42875 is less than the minimum of -32872',
      ]),
    );
    expect(messages('case', { type: 'case', submitter_id: 5 })).toEqual(["5 is not of type 'string'"]);
    expect(messages('case', { type: 'case', submitter_id: 'C', days_to_consent: 40000 })).toEqual(['40000 is greater than the maximum of 32872']);
  });

  it('reports all unexpected properties of one object in one error', () => {
    expect(messages('case', { type: 'case', submitter_id: 'C', a: 1, b: 2 })).toEqual(["Additional properties are not allowed ('a', 'b' were unexpected)"]);
    expect(messages('case', { type: 'case', submitter_id: 'C', a: 1 })).toEqual(["Additional properties are not allowed ('a' was unexpected)"]);
  });

  it('gives anyOf failures their branch errors as context, and the document path', () => {
    const [error] = validator.validate('sample', { type: 'sample', submitter_id: 'S', cases: 'C-1' });
    expect(error.message).toBe("'C-1' is not valid under any of the given schemas");
    expect(error.path).toEqual(['cases']);
    expect(error.context.map((c) => c.message)).toEqual(["'C-1' is not of type 'array'", "'C-1' is not of type 'object'"]);
  });

  it('words patterns with the pattern repr', () => {
    expect(messages('case', { type: 'case', submitter_id: 'C', id: 'not-a-uuid' })).toEqual([
      "'not-a-uuid' does not match '^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$'",
    ]);
  });
});

describe('Python regex patterns', () => {
  it('reads {,n} as {0,n}, as Python re does', () => {
    const rx = pythonRegExp('^[ACGT]+([+-][ACGT]+){,2}$', 'u');
    expect(rx.test('AC')).toBe(true);
    expect(rx.test('AC+G-T')).toBe(true);
    expect(rx.test('AC+G-T+A')).toBe(false);
  });
});
