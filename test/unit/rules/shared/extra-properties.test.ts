import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import { RecordValidator } from '../../../../src/rules/encode/validation';
import fc from 'fast-check';
import { trimExtraProperties, untrimErrors } from '../../../../src/rules/shared/extra-properties';
import { pythonRegExp, type SchemaError, toPythonErrors } from '../../../../src/rules/shared/jsonschema-errors';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { dataPath } from '../../../../src/sandbox/shared/paths';

// Formats and ENCODE's own keywords are not what trimming is about: left out (strict: false ignores the keywords).
const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, validateSchema: false, validateFormats: false, logger: false, code: { regExp: pythonRegExp } });

/** jsonschema's errors as ajv gives them on the whole data (the reference) and on the trimmed data. */
function both(schema: object, data: unknown, fn: ValidateFunction = ajv.compile(schema)): { whole: SchemaError[]; trimmed: SchemaError[]; extras: number } {
  fn(data);
  const whole = toPythonErrors(fn.errors ?? []);
  const t = trimExtraProperties(fn.schema, data);
  fn(t.data);
  return { whole, trimmed: toPythonErrors(untrimErrors(fn.errors ?? [], t)), extras: [...t.extras.values()].reduce((n, e) => n + e.length, 0) };
}

/** A schema with what ENCODE profiles put on an object: dependencies whose oneOf prints the object, nested objects. */
const record = {
  type: 'object',
  additionalProperties: false,
  required: ['a'],
  properties: {
    a: { type: 'string' },
    b: { type: 'integer' },
    nested: { type: 'object', additionalProperties: false, properties: { x: { type: 'string' } } },
    open: { type: 'object', properties: { y: { type: 'string' } } },
  },
  dependencies: {
    b: { oneOf: [{ required: ['a'], properties: { a: { enum: ['one'] } } }, { not: { required: ['nested'] } }] },
  },
};

const key = fc.oneof(fc.constantFrom('a', 'b', 'nested', 'open', 'x', 'y', '__proto__', 'k~/', "it's"), fc.string({ maxLength: 3 }));
const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.dictionary(key, fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), { maxKeys: 6 }));
const data = fc.dictionary(key, value, { maxKeys: 12 });

describe('trimExtraProperties', () => {
  it('gives the same errors as validating the whole data, on random objects', () => {
    fc.assert(
      fc.property(data, (d) => {
        const { whole, trimmed } = both(record, d);
        expect(trimmed).toEqual(whole);
      }),
      { numRuns: 1500 },
    );
  });

  it('trims the top object and nested ones, and leaves an object whose schema counts its keys whole', () => {
    const d = { a: 'z', u1: 1, u2: 2, u3: 3, nested: { x: 1, n1: 1, n2: 2 } };
    expect(both(record, d).extras).toBe(5);
    expect(both(record, d).trimmed).toEqual(both(record, d).whole);
    const counted = { ...record, maxProperties: 3 };
    expect(both(counted, d).extras).toBe(2); // only `nested`: the top object is validated whole
    expect(both(counted, d).trimmed).toEqual(both(counted, d).whole);
    const patterned = { ...record, patternProperties: { '^u': { type: 'string' } } };
    expect(both(patterned, d).extras).toBe(2);
    expect(both(patterned, d).trimmed).toEqual(both(patterned, d).whole);
  });

  it('prints the caller object, not the trimmed one, where a message prints it (oneOf under dependencies)', () => {
    const d = { a: 'z', b: 1, nested: {}, u1: 1, u2: 2 };
    const { whole, trimmed } = both(record, d);
    expect(trimmed).toEqual(whole);
    expect(trimmed.map((e) => e.message)).toContain("{'a': 'z', 'b': 1, 'nested': {}, 'u1': 1, 'u2': 2} is not valid under any of the given schemas");
  });

  it('gives the same errors on every ENCODE profile for a record with unknown keys', () => {
    const registry = new ProfileRegistry(dataPath('encode', 'profiles'));
    // Compiled as the validator compiles them (its formats and keywords; outside a validate() call its keywords pass).
    const validator = new RecordValidator();
    let compiled = 0;
    for (const [, info] of registry.types) {
      const d = { aliases: ['lab:x'], unknown_1: 1, unknown_2: 'two', status: 'nonsense', description: 3 };
      let fn: ValidateFunction;
      try {
        fn = validator.compile(info.schema);
      } catch {
        continue; // a calculated property typed `float`: not a profile the validator takes
      }
      compiled++;
      const { whole, trimmed, extras } = both(info.schema, d, fn);
      if (info.schema.additionalProperties === false && !info.schema.anyOf && !info.schema.oneOf) {
        const unknown = Object.keys(d).filter((k) => !(k in info.schema.properties));
        expect([info.itemType, extras]).toEqual([info.itemType, unknown.length > 1 ? unknown.length : 0]);
      }
      expect([info.itemType, trimmed]).toEqual([info.itemType, whole]);
    }
    expect(compiled).toBeGreaterThan(100);
  });

  it('makes 40,000 unknown keys one ajv error, in linear time', () => {
    const d: Record<string, unknown> = { a: 'z' };
    for (let i = 0; i < 40_000; i++) d[`u${i}`] = i;
    const fn = ajv.compile(record);
    const t = trimExtraProperties(fn.schema, d);
    fn(t.data);
    expect(fn.errors).toHaveLength(1);
    const [error] = toPythonErrors(untrimErrors(fn.errors ?? [], t));
    expect([error.message.slice(0, 51), error.message.split(', ').length]).toEqual(["Additional properties are not allowed ('u0', 'u1', ", 40_000]);
  });
});
