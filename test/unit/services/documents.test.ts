import { detectFormat, parseJsonEntities } from '../../../src/services/documents';

describe('detectFormat', () => {
  it('prefers the given format, then the file name, then the content', () => {
    expect(detectFormat('a,b', 'x.tsv', 'json')).toBe('json');
    expect(detectFormat('a,b', 'samples.TSV')).toBe('tsv');
    expect(detectFormat('a\tb', 'samples.csv')).toBe('csv');
    expect(detectFormat('  [{"type":"case"}]')).toBe('json');
    expect(detectFormat('type\tsubmitter_id\ncase\tx')).toBe('tsv');
    expect(detectFormat('type,submitter_id\ncase,x')).toBe('csv');
  });
});

describe('parseJsonEntities', () => {
  it('accepts one object or an array of objects', () => {
    expect(parseJsonEntities('{"type":"case"}')).toEqual([{ type: 'case' }]);
    expect(parseJsonEntities('[{"a":1},{"b":2}]')).toHaveLength(2);
  });

  it('names the problem in bad input', () => {
    expect(() => parseJsonEntities('{"type": ')).toThrow(/not valid JSON/);
    expect(() => parseJsonEntities('[{"a":1}, 3]')).toThrow(/Entity 1 of the document must be a JSON object, not number/);
  });
});
