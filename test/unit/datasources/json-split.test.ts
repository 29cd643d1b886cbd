import { JsonArraySplitter } from '../../../src/datasources/json-split';

/** Feeds the text in pieces of every size from 1 byte up, so element and string boundaries fall anywhere. */
function split(text: string, key: string | null, piece: number) {
  const elements: string[] = [];
  const splitter = new JsonArraySplitter((json) => elements.push(json), key);
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += piece) splitter.write(bytes.subarray(i, i + piece));
  const rest = splitter.end();
  return { elements, rest, count: splitter.elements };
}

describe('JsonArraySplitter', () => {
  const doc = ' [ {"type":"case","submitter_id":"a,]\\"}"} ,\n{"type":"sample","cases":{"submitter_id":"é-ü"},"x":[1,[2]]}, 3 , "s" ]\n';

  it.each([1, 2, 3, 7, 64, 100000])('splits a top-level array into its elements (pieces of %i bytes)', (piece) => {
    const { elements, rest, count } = split(doc, null, piece);
    expect(elements.map((e) => JSON.parse(e))).toEqual(JSON.parse(doc));
    expect(count).toBe(4);
    expect(rest).toBeNull();
  });

  it('takes a document that is one object as one element', () => {
    const { elements } = split('\n {"type": "case", "a": [1, {"b": "]"}]} \n', null, 5);
    expect(elements.map((e) => JSON.parse(e))).toEqual([{ type: 'case', a: [1, { b: ']' }] }]);
  });

  it('handles empty arrays', () => {
    expect(split('[]', null, 1).elements).toEqual([]);
    expect(split('[ ]', null, 1).elements).toEqual([]);
  });

  it.each([1, 3, 16, 100000])('takes the entities out of an envelope and keeps the rest (pieces of %i bytes)', (piece) => {
    const envelope = {
      code: 400,
      entities: [{ id: 'x', errors: [{ message: 'a "b" [c]', keys: ['entities'] }] }, { id: 'y', related_cases: [] }],
      message: 'Transaction aborted due to 1 invalid entity.',
      transactional_errors: ['entities'],
      zz: { entities: [1, 2] },
    };
    const { elements, rest } = split(JSON.stringify(envelope, null, 1), 'entities', piece);
    expect(elements.map((e) => JSON.parse(e))).toEqual(envelope.entities);
    expect(JSON.parse(rest!)).toEqual({ ...envelope, entities: [] });
  });

  it('leaves an object without the key whole', () => {
    const { elements, rest } = split('{"message": "Unable to parse json: x"}', 'entities', 4);
    expect(elements).toEqual([]);
    expect(JSON.parse(rest!)).toEqual({ message: 'Unable to parse json: x' });
  });

  it('refuses a text that ends inside a value', () => {
    expect(() => split('[{"a": 1}, {"b": ', null, 3)).toThrow(/end of JSON/);
    expect(() => split('{"entities": [{"a": "x', 'entities', 3)).toThrow(/end of JSON/);
  });
});
