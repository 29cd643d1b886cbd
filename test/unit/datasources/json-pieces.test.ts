import fc from 'fast-check';
import { decodeUtf8, JsonPieces, parseInPieces } from '../../../src/datasources/json-pieces';

/** What the pool gave before: undici's decoding of the whole body, then one JSON.parse (undefined when it throws). */
function wholeParse(bytes: Buffer): unknown {
  try {
    return JSON.parse(decodeUtf8([bytes]));
  } catch {
    return undefined;
  }
}

/** The same bytes fed in pieces of `piece` bytes, so element, string and UTF-8 boundaries fall anywhere. */
async function piecewise(bytes: Buffer, piece: number, keys = ['@graph', 'filters']): Promise<unknown> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) chunks.push(bytes.subarray(i, i + piece));
  return parseInPieces(chunks, keys);
}

// Strings drawn mostly from what matters to the splitter and to UTF-8: quotes, backslashes,
// brackets, control characters, multi-byte and astral characters, lone surrogates (escaped by stringify).
const unit = fc.oneof(fc.constantFrom('\\', '"', ',', ']', '[', '{', '}', ':', ' ', '\n', '\u0000', 'é', '€', '😀', '\ud800', '@graph', 'a'), fc.string({ unit: 'binary', maxLength: 3 }));
const text = fc.oneof(fc.string({ unit, maxLength: 8 }), fc.string({ unit, minLength: 20, maxLength: 60 }));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
})).value;
/** An ENCODE search answer's shape: hits in `@graph` and the rest around them, sometimes without `@graph`. */
const answer = fc.record(
  {
    '@type': fc.constant(['Search']),
    total: fc.nat(),
    '@graph': fc.array(fc.dictionary(text, json, { maxKeys: 5 }), { maxLength: 8 }),
    facets: fc.array(json, { maxLength: 3 }),
    filters: fc.array(fc.record({ field: text, term: text, remove: text }), { maxLength: 5 }),
    notification: fc.constantFrom('Success', 'No results found'),
    extra: json,
  },
  { requiredKeys: ['total'] },
);
/** JSON as a server may write it: stringify's output, or spread out with whitespace. */
const written = (value: unknown, indent: number) => Buffer.from(JSON.stringify(value, null, indent), 'utf8');

describe('JsonPieces (a JSON answer parsed element by element)', () => {
  it('gives what one JSON.parse of the whole text gives, for any search answer cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(answer, fc.integer({ min: 1, max: 200 }), fc.constantFrom(0, 1, 2), async (value, piece, indent) => {
        const bytes = written(value, indent);
        expect(await piecewise(bytes, piece)).toEqual(wholeParse(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('gives what JSON.parse gives for any JSON value at the top (not an object, no @graph, @graph not an array)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(json, fc.record({ '@graph': json, total: fc.nat() })), fc.integer({ min: 1, max: 50 }), async (value, piece) => {
        const bytes = written(value, 0);
        expect(await piecewise(bytes, piece)).toEqual(wholeParse(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('is undefined exactly where JSON.parse throws: any answer with one byte changed, dropped or added', async () => {
    const edits = fc.tuple(fc.nat(), fc.constantFrom('set', 'drop', 'add'), fc.constantFrom(...', ] [ } { : " \\ 1 a \u00e9'.split(' '), ' '));
    await fc.assert(
      fc.asyncProperty(answer, edits, fc.integer({ min: 1, max: 64 }), async (value, [at, how, char], piece) => {
        const text = JSON.stringify(value);
        const i = at % (text.length + 1);
        const edited = how === 'set' ? text.slice(0, i) + char + text.slice(i + 1) : how === 'drop' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + char + text.slice(i);
        const bytes = Buffer.from(edited, 'utf8');
        expect(await piecewise(bytes, piece)).toEqual(wholeParse(bytes));
      }),
      { numRuns: 1500 },
    );
  });

  it.each([
    ['empty @graph', '{"@graph": [ ], "total": 0, "notification": "No results found"}'],
    ['no @graph', '{"status": "error", "code": 404, "title": "Not Found", "description": "x"}'],
    ['an error page', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['a trailing comma', '{"@graph": [{"a": 1},], "total": 1}'],
    ['an empty element', '{"@graph": [{"a": 1},,{"b": 2}], "total": 2}'],
    ['a leading comma', '{"@graph": [,{"a": 1}], "total": 1}'],
    ['two elements without a comma', '{"@graph": [{"a": 1} {"b": 2}], "total": 2}'],
    ['a cut answer', '{"@graph": [{"a": 1}, {"b": "cut'],
    ['text after the object', '{"@graph": [1, 2]} trailing'],
    ['mismatched brackets', '{"@graph": [{"a": [1}], "total": 1}'],
    ['@graph twice (JSON.parse keeps the last)', '{"@graph": [1, 2], "total": 2, "@graph": [3]}'],
    ['@graph twice, the first not an array', '{"@graph": "x", "@graph": [3, 4]}'],
    ['an escaped key spelling @graph', '{"\\u0040graph": [1, 2], "total": 2}'],
    ['filters before @graph, both split', '{"filters": [{"term": "a"}, {"term": "b"}], "total": 1, "@graph": [{"x": [1, {"y": "]"}]}]}'],
    ['an empty array after a split one', '{"@graph": [1, 2], "filters": [ ], "total": 2}'],
    ['a trailing comma in the second array', '{"@graph": [1, 2], "filters": [3,], "total": 2}'],
    ['filters twice', '{"filters": [1], "@graph": [], "filters": [2, 3]}'],
    ['filters not an array', '{"filters": {"a": [1]}, "@graph": [1]}'],
    ['@graph nested only', '{"facets": {"@graph": [1, 2]}, "total": 0}'],
    ['escapes and unicode', '{"@graph": [{"t": "a\\"b\\\\c\\u00e9\\ud83d\\ude00 é 😀 \\n"}, "]},{"], "k\\"": "v"}'],
  ])('%s', async (_name, text) => {
    const bytes = Buffer.from(text, 'utf8');
    for (const piece of [1, 2, 3, 7, 1000]) expect(await piecewise(bytes, piece)).toEqual(wholeParse(bytes));
  });

  it('skips a leading BOM as undici does, even cut inside it', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"@graph": [{"a": "é"}], "total": 1}')]);
    for (const piece of [1, 2, 3, 4]) expect(await piecewise(bytes, piece)).toEqual({ '@graph': [{ a: 'é' }], total: 1 });
  });

  it('gives the event loop turns while it parses a 5 MB answer of 20,000 hits', async () => {
    const hits = Array.from({ length: 20_000 }, (_, i) => ({ '@id': `/biosamples/ENCBS${i}/`, aliases: [`lab:x-${i}`], description: 'd'.repeat(200) }));
    const bytes = Buffer.from(JSON.stringify({ '@graph': hits, total: hits.length, filters: hits.map((h) => ({ field: 'aliases', term: h.aliases[0] })) }));
    const pieces = new JsonPieces(['@graph', 'filters']);
    // Turns other work got while the answer was parsed (one JSON.parse of it would give none):
    // counted, not timed, so a busy machine does not make it fail.
    let turns = 0;
    let counting = true;
    const count = () => {
      if (!counting) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    for (let i = 0; i < bytes.length; i += 64 * 1024) await pieces.write(bytes.subarray(i, i + 64 * 1024));
    const parsed = pieces.end(() => decodeUtf8([bytes])) as { '@graph': unknown[]; total: number };
    counting = false;
    expect(parsed['@graph']).toHaveLength(20_000);
    expect(parsed).toEqual(JSON.parse(bytes.toString('utf8')));
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
