import fc from 'fast-check';
import { stringifyInTurns } from '../../../src/http/json-in-turns';
import { turnsDuring } from '../../support/turns';

/** Values JSON.stringify treats specially, inside objects and lists: left out, written as null, toJSON, boxed. */
const awkward = fc.oneof(
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constant(NaN),
  fc.constant(-Infinity),
  fc.constant(-0),
  fc.date({ noInvalidDate: true }),
  fc.constant(new Date(NaN)),
  fc.string().map((s) => new String(s)),
  fc.constant(Object.create(null) as object),
  fc.constant(JSON.parse('{"__proto__": 1}') as object),
);
const values = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), awkward, tie('list'), tie('object')),
  list: fc.array(tie('value'), { maxLength: 12 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 12 }),
})).value;

describe('stringifyInTurns', () => {
  it('writes what JSON.stringify writes, whatever the piece size (random values)', async () => {
    await fc.assert(
      fc.asyncProperty(values, fc.constantFrom(1, 2, 5, 50, 16 * 1024), async (value, pieceWeight) => {
        expect(await stringifyInTurns(value, pieceWeight)).toBe(JSON.stringify(value));
      }),
      { numRuns: 1_000 },
    );
  });

  it('writes a large answer in pieces, the event loop turning between them', async () => {
    const answer = {
      data: {
        createEntities: {
          success: false,
          entities: Array.from({ length: 50_000 }, (_, i) => ({ row: i + 2, errors: [{ code: 'INVALID_VALUE', message: `Row ${i + 2}: ${'x'.repeat(200)}`, keys: ['primary_site'] }] })),
        },
      },
    };
    const { value, turns } = await turnsDuring(() => stringifyInTurns(answer));
    expect(value).toBe(JSON.stringify(answer));
    expect(turns).toBeGreaterThan(1);
  });

  it('writes a small answer in one piece, no turn taken', async () => {
    const answer = { data: { gatewayInfo: { version: '1.0.0' } } };
    const { value, turns } = await turnsDuring(() => stringifyInTurns(answer));
    expect(value).toBe(JSON.stringify(answer));
    expect(turns).toBe(0);
  });
});
