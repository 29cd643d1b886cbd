import { classifyError, EntityErrors, failureMessage, type EntityError } from '../../../../src/sandbox/gdc/errors';
import { pyRepr, pyTuple, pyTypeName } from '../../../../src/rules/shared/pyrepr';
import { closeMatch, ratio, suggestion } from '../../../../src/sandbox/gdc/suggest';
import { joinNames } from '../../../../src/sandbox/gdc/validate/links';
import { secondaryKeysRepr } from '../../../../src/sandbox/gdc/validate/keys';

const err = (message: string, keys: string[] = []): EntityError => ({ message, keys, type: EntityErrors.UNCATEGORIZED });
const edges = new Set(['cases', 'samples']);

describe('error classification (specify_errors)', () => {
  it.each([
    ["'abc' is not of type 'integer'", [], 'INVALID_VALUE'],
    ["'submitter_id' is a required property", ['submitter_id'], 'MISSING_PROPERTY'],
    ['Entity is missing required link to cases', ['cases'], 'INVALID_LINK'],
    ["'Moon' is not one of ['Brain']", ['primary_site'], 'ERROR'],
    ['-42875 is less than the minimum of -32872', ['days_to_consent'], 'ERROR'],
    ["Additional properties are not allowed ('k' was unexpected)", [], 'ERROR'],
  ])('%s → %s', (message, keys, type) => {
    expect(classifyError(err(message, keys as string[]), (k) => edges.has(k)).type).toBe(type);
  });

  it('prefers the wording over the edge rule, and leaves typed errors alone', () => {
    expect(classifyError(err("{} is not of type 'array'", ['cases']), (k) => edges.has(k)).type).toBe('INVALID_VALUE');
    const typed: EntityError = { message: 'x is not of type y', keys: [], type: EntityErrors.NOT_UNIQUE };
    expect(classifyError(typed, () => true).type).toBe('NOT_UNIQUE');
  });
});

describe('message wording', () => {
  it('builds the failure summary like sheepdog', () => {
    expect(failureMessage(1, 0)).toBe('Transaction aborted due to 1 invalid entity.');
    expect(failureMessage(3, 0)).toBe('Transaction aborted due to 3 invalid entities.');
    expect(failureMessage(0, 1)).toBe('Transaction aborted due to 1 transactional error(s).');
    expect(failureMessage(2, 2)).toBe('Transaction aborted due to 2 invalid entities and 2 transactional error(s).');
  });

  it('renders values as Python repr()', () => {
    expect(pyRepr([{ project_id: 'GDC-INTERNAL', submitter_id: 'NOPE' }])).toBe("[{'project_id': 'GDC-INTERNAL', 'submitter_id': 'NOPE'}]");
    expect(pyRepr([true, false, null, 1.5])).toBe('[True, False, None, 1.5]');
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr('a"b')).toBe(`'a"b'`);
    expect(pyRepr('x\\y')).toBe("'x\\\\y'");
    expect(pyTuple(['a'])).toBe("('a',)");
    expect(secondaryKeysRepr([['GDC-INTERNAL', 'X']])).toBe("(('GDC-INTERNAL', 'X'),)");
    expect(pyTypeName([])).toBe('list');
    expect(pyTypeName('s')).toBe('str');
    expect(pyTypeName(null)).toBe('NoneType');
  });

  it('suggests like difflib.get_close_matches', () => {
    expect(ratio('casse', 'case')).toBeCloseTo(0.8888888888888888, 12);
    expect(ratio('colour', 'color')).toBeCloseTo(0.9090909090909091, 12);
    expect(ratio('disease', 'disease_type')).toBeCloseTo(0.7368421052631579, 12);
    expect(closeMatch('primary_sites', ['primary_site', 'primary_diagnosis', 'site'])).toBe('primary_site');
    expect(suggestion('casse', ['case', 'sample', 'cases'])).toBe(" Did you mean 'case'?");
    expect(suggestion('zzz', ['case'])).toBe('');
  });

  it('joins link names the way the links validator does', () => {
    expect(joinNames(['a'], 'or')).toBe('a');
    expect(joinNames(['a', 'b'], 'or')).toBe('a or b');
    expect(joinNames(['a', 'b', 'c'], 'or')).toBe('a, b or c');
  });
});
