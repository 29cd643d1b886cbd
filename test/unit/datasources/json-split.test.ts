import fc from 'fast-check';
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

  // Strings short and long (past the 32 bytes looked at one by one), with escaped quotes and runs
  // of backslashes just before a quote, so every escape state falls on every chunk boundary.
  const tricky = [
    { a: 'x'.repeat(31) + '"', b: '\\'.repeat(3) + '"' + 'y'.repeat(40) },
    { long: 'z'.repeat(33) + '\\' + '"' + '\\\\', s: '"', e: '', u: 'é\u0001"]},{' + 'w'.repeat(100) + '\\' },
    ['\\'.repeat(40), 'q"'.repeat(30), { k: 'v'.repeat(64) + '\\"' }],
    'a string element with "quotes" and \\ and a tail ' + 'r'.repeat(50),
  ];
  const trickyText = `[${tricky.map((t) => JSON.stringify(t)).join(' ,\n')}]`;

  it.each([1, 2, 3, 5, 31, 32, 33, 34, 47, 64, 100000])('keeps escapes in short and long strings across chunk boundaries (pieces of %i bytes)', (piece) => {
    const { elements } = split(trickyText, null, piece);
    expect(elements.map((e) => JSON.parse(e))).toEqual(tricky);
  });

  it('keeps long runs of backslashes whatever byte a chunk ends on', () => {
    // A chunk that ends inside a run leaves the next one starting escaped; the run then continues past 32 bytes.
    const values = [['\\'.repeat(20), 'x'], 'b'.repeat(40) + '\\'.repeat(17) + '"' + 'c', { ['\\'.repeat(33)]: '\\"'.repeat(12) }];
    const bytes = Buffer.from(JSON.stringify(values), 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      for (const second of [cut + 33, cut + 34, bytes.length]) {
        const elements: string[] = [];
        const splitter = new JsonArraySplitter((json) => elements.push(json));
        for (const [from, to] of [[0, cut], [cut, second], [second, bytes.length]]) splitter.write(bytes.subarray(from, to));
        splitter.end();
        expect(elements.map((e) => JSON.parse(e))).toEqual(values);
      }
    }
  });

  it('gives back any array of JSON values, whatever their strings hold and wherever the chunks are cut', () => {
    // Strings drawn mostly from the characters that matter to the splitter, some long.
    const unit = fc.constantFrom('\\', '"', 'a', ',', ']', '}', '[', '{', ' ', 'é');
    const text = fc.oneof(fc.string({ unit, maxLength: 12 }), fc.string({ unit, minLength: 25, maxLength: 120 }));
    const value = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.array(tie('json'), { maxLength: 4 }), fc.dictionary(text, tie('json'), { maxKeys: 4 })),
    })).json;
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), fc.integer({ min: 1, max: 90 }), (values, piece) => {
        const { elements } = split(JSON.stringify(values), null, piece);
        expect(elements.map((e) => JSON.parse(e))).toEqual(values);
      }),
      { numRuns: 300 },
    );
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

  it.each([1, 5, 100000])('takes the arrays of several keys out, naming the key of each element (pieces of %i bytes)', (piece) => {
    const answer = { filters: [{ term: 'a,]' }, { term: 'b' }], total: 3, '@graph': [1, [2, 3], { '@graph': [4] }], facets: [] };
    const found: [string, unknown][] = [];
    const splitter = new JsonArraySplitter((json, _i, key) => found.push([key, JSON.parse(json)]), ['@graph', 'filters', 'facets']);
    const bytes = Buffer.from(JSON.stringify(answer), 'utf8');
    for (let i = 0; i < bytes.length; i += piece) splitter.write(bytes.subarray(i, i + piece));
    expect(JSON.parse(splitter.end()!)).toEqual({ filters: [], total: 3, '@graph': [], facets: [] });
    expect(found).toEqual([['filters', { term: 'a,]' }], ['filters', { term: 'b' }], ['@graph', 1], ['@graph', [2, 3]], ['@graph', { '@graph': [4] }]]);
    expect(splitter.keyRepeated).toBe(false);
  });

  it('refuses empty elements as JSON.parse does, and says when a key names two members', () => {
    expect(() => split('[1,,2]', null, 1)).toThrow(/empty array element/);
    expect(() => split('{"entities": [1,]}', 'entities', 1)).toThrow(/empty array element/);
    expect(() => split('{"entities": [,1]}', 'entities', 1)).toThrow(/empty array element/);
    const splitter = new JsonArraySplitter(() => undefined, 'entities');
    splitter.write(Buffer.from('{"entities": [1], "entities": []}'));
    splitter.end();
    expect(splitter.keyRepeated).toBe(true);
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
