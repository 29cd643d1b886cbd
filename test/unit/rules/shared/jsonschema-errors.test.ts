import type { ErrorObject } from 'ajv';
import fc from 'fast-check';
import { merged, pythonError, type SchemaError, toPythonErrors } from '../../../../src/rules/shared/jsonschema-errors';

/** The first version, quadratic (each error against each combinator): the reference for the output. */
function quadratic(errors: ErrorObject[]): SchemaError[] {
  const COMBINATORS = new Set(['anyOf', 'oneOf']);
  const isUnder = (child: ErrorObject, c: ErrorObject) => child !== c && child.schemaPath.startsWith(`${c.schemaPath}/`);
  const build = (pool: ErrorObject[]): SchemaError[] => {
    const direct = pool.filter((e) => !pool.some((c) => COMBINATORS.has(c.keyword) && isUnder(e, c)));
    return merged(direct).map((e) => pythonError(e, COMBINATORS.has(e.keyword) ? build(errors.filter((x) => isUnder(x, e))) : []));
  };
  return build(errors);
}

const segment = fc.constantFrom('properties', 'a', 'b', 'anyOf', 'oneOf', '0', '1', 'items');
const schemaPath = fc.array(segment, { minLength: 0, maxLength: 5 }).map((parts) => ['#', ...parts].join('/'));
const instancePath = fc.constantFrom('', '/a', '/a/0', '/b', '/a~1b');
const error: fc.Arbitrary<ErrorObject> = fc
  .record({
    keyword: fc.constantFrom('anyOf', 'oneOf', 'additionalProperties', 'type', 'required', 'enum'),
    schemaPath,
    instancePath,
    extra: fc.constantFrom('x', 'y', "it's", 'z'),
    data: fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 4 })),
  })
  .map(({ keyword, schemaPath, instancePath, extra, data }) => ({
    keyword,
    schemaPath: keyword === 'anyOf' || keyword === 'oneOf' ? schemaPath : `${schemaPath}/${keyword}`,
    instancePath,
    data,
    schema: ['a', 'b'],
    params: { additionalProperty: extra, missingProperty: extra, type: 'string' },
  }));

describe('toPythonErrors', () => {
  it('answers exactly as the quadratic first version on random error lists', () => {
    fc.assert(
      fc.property(fc.array(error, { maxLength: 30 }), (errors) => {
        expect(toPythonErrors(errors)).toEqual(quadratic(errors));
      }),
      { numRuns: 2000 },
    );
  });

  it('nests errors under the combinator whose schemaPath is their prefix, including a bare `#`', () => {
    const anyOf = { keyword: 'anyOf', schemaPath: '#', instancePath: '', data: 1, params: {} } as ErrorObject;
    const type = { keyword: 'type', schemaPath: '#/anyOf/0/type', instancePath: '', data: 1, params: { type: 'string' } } as ErrorObject;
    const out = toPythonErrors([type, anyOf]);
    expect(out).toEqual([{ message: '1 is not valid under any of the given schemas', path: [], keyword: 'anyOf', context: [{ message: "1 is not of type 'string'", path: [], keyword: 'type', context: [] }] }]);
  });

  /** N unexpected properties of one object, as ajv reports them (one error each). */
  const unexpected = (n: number): ErrorObject[] =>
    Array.from({ length: n }, (_, i) => ({
      keyword: 'additionalProperties',
      schemaPath: '#/additionalProperties',
      instancePath: '',
      params: { additionalProperty: `k${i}` },
    }) as ErrorObject);

  /** N array items each failing an anyOf (N combinators and 2N errors under them). */
  const failingItems = (n: number): ErrorObject[] =>
    Array.from({ length: n }, (_, i) => [
      { keyword: 'type', schemaPath: '#/items/anyOf/0/type', instancePath: `/${i}`, data: i, params: { type: 'string' } },
      { keyword: 'anyOf', schemaPath: '#/items/anyOf', instancePath: `/${i}`, data: i, params: {} },
    ] as ErrorObject[]).flat();

  const timed = (f: () => unknown): number => {
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      f();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };

  it.each([
    ['unexpected properties', unexpected],
    ['items failing an anyOf', failingItems],
  ])('grows about linearly with the number of errors (%s)', (_name, make) => {
    const small = make(10_000);
    const large = make(40_000);
    toPythonErrors(small);
    const t1 = timed(() => toPythonErrors(small));
    const t4 = timed(() => toPythonErrors(large));
    // Four times the errors: linear is ~4×, the quadratic version was ~16× (and seconds at 40,000).
    expect(t4 / Math.max(t1, 1)).toBeLessThan(9);
    expect(t4).toBeLessThan(2_000);
  });

  it('reports 40,000 unexpected properties in one error, quickly', () => {
    const started = performance.now();
    const out = toPythonErrors(unexpected(40_000));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(out).toHaveLength(1);
    const { message } = out[0];
    // Not toMatch: a failure would print 400 kB.
    expect([message.slice(0, 51), message.slice(-25), message.split(', ').length]).toEqual(["Additional properties are not allowed ('k0', 'k1', ", "'k39999' were unexpected)", 40_000]);
  });
});
