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
  it('accepts one object or an array of objects', async () => {
    expect(await parseJsonEntities('{"type":"case"}')).toEqual([{ type: 'case' }]);
    expect(await parseJsonEntities('[{"a":1},{"b":2}]')).toHaveLength(2);
  });

  it('names the problem in bad input', async () => {
    await expect(parseJsonEntities('{"type": ')).rejects.toThrow(/not valid JSON/);
    await expect(parseJsonEntities('[{"a":1}, 3]')).rejects.toThrow(/Entity 1 of the document must be a JSON object, not number/);
    await expect(parseJsonEntities('{"type": "case", "type": "sample"}')).rejects.toThrow(/not valid JSON: Duplicate key "type" at position 17/);
  });

  it('holds documents to the JSON shape limits, naming the setting', async () => {
    const keys = `{${Array.from({ length: 1_001 }, (_, i) => `"k${i}": 0`).join(', ')}}`;
    await expect(parseJsonEntities(keys)).rejects.toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_JSON_KEYS', max: 1_000, argument: 'document' } });
  });
});
