import { castCells, castValue } from '../../../../src/rules/encode/cast';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { dataPath } from '../../../../src/sandbox/shared/paths';

const cast = (text: string, schema: object) => castValue(text, schema as Record<string, unknown>);
const value = (text: string, schema: object) => {
  const c = cast(text, schema);
  if (!c.ok) throw new Error(c.reason);
  return c.value;
};
const reason = (text: string, schema: object) => {
  const c = cast(text, schema);
  return c.ok ? null : c.reason;
};

describe('castValue: cells to the profile type', () => {
  it('integers as Python int() reads them, and nothing else', () => {
    expect(value('3', { type: 'integer' })).toBe(3);
    expect(value('+7', { type: 'integer' })).toBe(7);
    expect(value('-1_000', { type: 'integer' })).toBe(-1000);
    expect(reason('1.5', { type: 'integer' })).toBe("'1.5' is not an integer");
    expect(reason('five', { type: 'integer' })).toBe("'five' is not an integer");
    expect(reason('1e3', { type: 'integer' })).toBe("'1e3' is not an integer");
    expect(reason('90071992547409931', { type: 'integer' })).toMatch(/too large to send exactly/);
  });

  it('numbers as int() then float(), but never NaN or infinity (JSON has none; encode_utils sends them)', () => {
    expect(value('12', { type: 'number' })).toBe(12);
    expect(value('0.5', { type: 'number' })).toBe(0.5);
    expect(value('.5', { type: 'number' })).toBe(0.5);
    expect(value('1e3', { type: 'number' })).toBe(1000);
    expect(value('-2.5E-2', { type: 'number' })).toBe(-0.025);
    expect(value('1_000.5', { type: 'number' })).toBe(1000.5);
    expect(reason('nan', { type: 'number' })).toMatch(/not a finite number/);
    expect(reason('-Infinity', { type: 'number' })).toMatch(/not a finite number/);
    expect(reason('1e999', { type: 'number' })).toMatch(/out of range/);
    expect(reason('12 mg', { type: 'number' })).toBe("'12 mg' is not a number");
  });

  it('booleans true/false in any case only', () => {
    expect(value('TRUE', { type: 'boolean' })).toBe(true);
    expect(value('false', { type: 'boolean' })).toBe(false);
    expect(reason('yes', { type: 'boolean' })).toBe("'yes' is not a boolean (true or false)");
  });

  it('objects as JSON, and a list is not an object (encode_utils lets one through)', () => {
    expect(value('{"name": "eGFP", "location": "C-terminal"}', { type: 'object' })).toEqual({ name: 'eGFP', location: 'C-terminal' });
    expect(reason('[{"name": "eGFP"}]', { type: 'object' })).toMatch(/is not a JSON object \(a list\)/);
    expect(reason('{name: eGFP}', { type: 'object' })).toMatch(/is not valid JSON/);
  });

  it('arrays of objects with or without the outer brackets', () => {
    const schema = { type: 'array', items: { type: 'object' } };
    const both = [{ name: 'eGFP' }, { name: 'FLAG' }];
    expect(value('{"name": "eGFP"},{"name": "FLAG"}', schema)).toEqual(both);
    expect(value('[{"name": "eGFP"},{"name": "FLAG"}]', schema)).toEqual(both);
    expect(reason('{"name": "eGFP"},"FLAG"', schema)).toMatch(/item 2 is a string/);
  });

  it('other arrays as a,b,c or [a,b,c], order kept (encode_utils sorts)', () => {
    const strings = { type: 'array', items: { type: 'string' } };
    expect(value("5' end doc,b,a", strings)).toEqual(["5' end doc", 'b', 'a']);
    expect(value('[c, b ,a]', strings)).toEqual(['c', 'b', 'a']);
    expect(value('a,,b,', strings)).toEqual(['a', 'b']);
    // A JSON array is taken as written: the way to give items that hold commas.
    expect(value('["a, b", "c"]', strings)).toEqual(['a, b', 'c']);
    expect(value('1, 2.5', { type: 'array', items: { type: 'number' } })).toEqual([1, 2.5]);
    expect(reason('1,two', { type: 'array', items: { type: 'number' } })).toBe("item 2 of '1,two': 'two' is not a number");
  });

  it("array items lose one matching pair of quotes, as eu_register's TSVs write them", () => {
    const strings = { type: 'array', items: { type: 'string' } };
    expect(value('[head, "testis"]', strings)).toEqual(['head', 'testis']);
    expect(value("'head'", strings)).toEqual(['head']);
    expect(value('"x"', strings)).toEqual(['x']);
    expect(value("['a', \"b\" , c]", strings)).toEqual(['a', 'b', 'c']);
    expect(value('" padded "', strings)).toEqual(['padded']);
    // Only one pair, only a matching one, only around the item: other quotes are the item's own.
    expect(value('""quoted""', strings)).toEqual(['"quoted"']);
    expect(value('"half', strings)).toEqual(['"half']);
    expect(value('"mixed\'', strings)).toEqual(['"mixed\'']);
    expect(value("5' UTR, 3' UTR", strings)).toEqual(["5' UTR", "3' UTR"]);
    expect(value('"a", "", b', strings)).toEqual(['a', 'b']);
    // Quoted items are cast like the others.
    expect(value('"1", \'2.5\'', { type: 'array', items: { type: 'number' } })).toEqual([1, 2.5]);
    expect(reason('"1", "two"', { type: 'array', items: { type: 'number' } })).toBe('item 2 of \'"1", "two"\': \'two\' is not a number');
  });

  it('scalar cells keep their quotes', () => {
    expect(value('"testis"', { type: 'string' })).toBe('"testis"');
    expect(reason('"3"', { type: 'integer' })).toBe('\'"3"\' is not an integer');
  });

  it('a list of types takes the first that fits, string last', () => {
    expect(value('0.93', { type: ['number', 'string'] })).toBe(0.93);
    expect(value('n/a', { type: ['number', 'string'] })).toBe('n/a');
    expect(value('anything', {})).toBe('anything');
  });
});

describe('castCells on a real profile', () => {
  const biosample = new ProfileRegistry(dataPath('encode', 'profiles')).get('biosample')!;

  it('casts each cell by its property and reports unknown columns and bad cells per column', () => {
    const { record, problems } = castCells(
      [
        ['aliases', 'lab:a,lab:b'],
        ['passage_number', 'five'],
        ['colour', 'red'],
        ['description', '5" long'],
        ['record_id', 'x'],
      ],
      biosample.schema,
      false,
      'biosample',
    );
    expect(record).toEqual({ aliases: ['lab:a', 'lab:b'], description: '5" long' });
    expect(problems).toEqual([
      { column: 'passage_number', type: 'INVALID_VALUE', message: "'five' is not an integer" },
      { column: 'colour', type: 'INVALID_PROPERTY', message: "unknown column 'colour': the biosample profile has no such property" },
      expect.objectContaining({ column: 'record_id', type: 'INVALID_PROPERTY' }),
    ]);
    expect(castCells([['record_id', 'ENCBS000AAA']], biosample.schema, true, 'biosample').record).toEqual({ record_id: 'ENCBS000AAA' });
  });
});
