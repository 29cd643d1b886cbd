import { JsonParseError, parseJsonStrict } from '../../../../src/sandbox/gdc/documents/json';
import { parseBody } from '../../../../src/sandbox/gdc/documents/parse';
import { fixtureDictionary } from './fixture';

describe('JSON documents', () => {
  it('parses what JSON.parse parses', () => {
    const text = '[{"a": 1, "b": [true, null, -2.5e3, "x\\"y"], "c": {}}, "é", []]';
    expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
  });

  it('names duplicate keys, at any depth', () => {
    expect(() => parseJsonStrict('{"type": "case", "type": "sample", "x": {"k": 1, "k": 2}}')).toThrow(
      'The document contains duplicate keys: type, k',
    );
  });

  it('reports syntax errors', () => {
    expect(() => parseJsonStrict('{"a": }')).toThrow(JsonParseError);
    expect(() => parseJsonStrict('{"a": 1} x')).toThrow(/Extra data/);
  });

  it('keeps __proto__ as an ordinary key', () => {
    const doc = parseJsonStrict('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns a body into a list of documents, or GDC\'s 400', () => {
    const dictionary = fixtureDictionary();
    expect(parseBody('{"type": "case"}', 'json', dictionary, null)).toEqual([{ type: 'case' }]);
    expect(() => parseBody('{"a": 1, "a": 2}', 'json', dictionary, null)).toThrow('Unable to parse json: The document contains duplicate keys: a');
  });
});
