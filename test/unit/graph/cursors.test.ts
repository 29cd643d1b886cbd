import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { cursorScope, decodeCursor, encodeCursor, MAX_CURSOR_OFFSET } from '../../../src/graph/cursors';

const offset = fc.integer({ min: 0, max: MAX_CURSOR_OFFSET });
const filters = fc.array(fc.record({ field: fc.string(), values: fc.array(fc.string()) }), { maxLength: 3 });

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof GraphQLError ? String(e.extensions.code) : 'other error';
  }
}

describe('connection cursors', () => {
  it('decode gives back the offset encoded for the same scope', () => {
    fc.assert(
      fc.property(fc.string(), filters, offset, (field, f, n) => {
        const scope = cursorScope(field, f);
        expect(decodeCursor(encodeCursor(scope, n), cursorScope(field, f), 'after')).toBe(n);
      }),
    );
  });

  it('refuses a cursor of another scope with BAD_USER_INPUT', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), filters, offset, (a, b, f, n) => {
        fc.pre(a !== b);
        expect(refusal(() => decodeCursor(encodeCursor(cursorScope(a, f), n), cursorScope(b, f), 'after'))).toBe('BAD_USER_INPUT');
      }),
    );
  });

  it('refuses any one-character change of a cursor with BAD_USER_INPUT', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(offset, fc.nat(), fc.constantFrom(...alphabet), (n, at, ch) => {
        const scope = cursorScope('biosamples', []);
        const cursor = encodeCursor(scope, n);
        const i = at % cursor.length;
        fc.pre(cursor[i] !== ch);
        const tampered = cursor.slice(0, i) + ch + cursor.slice(i + 1);
        expect(refusal(() => decodeCursor(tampered, scope, 'after'))).toBe('BAD_USER_INPUT');
      }),
    );
  });

  it('refuses arbitrary strings with BAD_USER_INPUT', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => expect(refusal(() => decodeCursor(s, cursorScope('x'), 'after'))).toBe('BAD_USER_INPUT')));
  });
});
