import { parsePython } from '../../../../src/services/errors/python-literal';
import { describeKeys, reword, show } from '../../../../src/services/errors/words';

describe('parsePython: the literals upstream messages embed', () => {
  it.each([
    ["'x'", 'x'],
    ['"it\'s"', "it's"],
    ["'a\\'b\\\\c\\n'", "a'b\\c\n"],
    ["u'x'", 'x'],
    ['-42875', -42875],
    ['1.5e3', 1500],
    ['None', null],
    ['True', true],
    ["['a', 'b',]", ['a', 'b']],
    ["(('GDC-INTERNAL', 'D1'),)", [['GDC-INTERNAL', 'D1']]],
    ["[{'project_id': 'P', 'submitter_id': None}]", [{ project_id: 'P', submitter_id: null }]],
    ["{'a': [1, {'b': False}]}", { a: [1, { b: false }] }],
  ])('%s', (text, value) => {
    expect(parsePython(text)).toEqual(value);
  });

  it.each(["'open", "['a' 'b']", 'NoneX', '', "'a' trailing", '{1 2}'])('is undefined for what is no literal: %j', (text) => {
    expect(parsePython(text)).toBeUndefined();
  });
});

describe('show and describeKeys', () => {
  it('shows JSON values as a reader expects, cutting long ones', () => {
    expect(show(null)).toBe('null');
    expect(show(['a', 1, true])).toBe("['a', 1, true]");
    expect(show('x'.repeat(500))).toBe(`'${'x'.repeat(200)}… (500 characters)'`);
    expect(describeKeys({ project_id: 'P', submitter_id: 'S' })).toBe("project_id 'P' and submitter_id 'S'");
    expect(describeKeys([])).toBeNull();
  });

  it('cuts long enumerations after 25 values', () => {
    const values = Array.from({ length: 30 }, (_, i) => `'v${i}'`).join(', ');
    const out = reword(`'x' is not one of [${values}]`, 'disease_type', null);
    expect(out?.why).toMatch(/'v24' and 5 more$/);
    expect(out?.why).not.toMatch(/'v25'/);
  });

  it('returns null for a message it does not know', () => {
    expect(reword('something else entirely', 'x', null)).toBeNull();
  });
});
