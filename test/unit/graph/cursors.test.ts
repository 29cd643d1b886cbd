import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { ConfigError, loadConfig } from '../../../src/config';
import { cursorScope, Cursors, MAX_CURSOR_OFFSET } from '../../../src/graph/cursors';

const offset = fc.integer({ min: 0, max: MAX_CURSOR_OFFSET });
const filters = fc.array(fc.record({ field: fc.string(), values: fc.array(fc.string()) }), { maxLength: 3 });
const SECRET = 'a'.repeat(16) + '0123456789abcdef';

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof GraphQLError ? String(e.extensions.code) : 'other error';
  }
}

describe('connection cursors', () => {
  const cursors = new Cursors(null);

  it('decode gives back the offset encoded for the same scope', () => {
    fc.assert(
      fc.property(fc.string(), filters, offset, (field, f, n) => {
        const scope = cursorScope(field, f);
        expect(cursors.decode(cursors.encode(scope, n), cursorScope(field, f), 'after')).toBe(n);
      }),
    );
  });

  it('refuses a cursor of another scope with BAD_USER_INPUT', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), filters, offset, (a, b, f, n) => {
        fc.pre(a !== b);
        expect(refusal(() => cursors.decode(cursors.encode(cursorScope(a, f), n), cursorScope(b, f), 'after'))).toBe('BAD_USER_INPUT');
      }),
    );
  });

  it('refuses any one-character change of a cursor with BAD_USER_INPUT', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(offset, fc.nat(), fc.constantFrom(...alphabet), (n, at, ch) => {
        const scope = cursorScope('biosamples', []);
        const cursor = cursors.encode(scope, n);
        const i = at % cursor.length;
        fc.pre(cursor[i] !== ch);
        const tampered = cursor.slice(0, i) + ch + cursor.slice(i + 1);
        expect(refusal(() => cursors.decode(tampered, scope, 'after'))).toBe('BAD_USER_INPUT');
      }),
    );
  });

  it('refuses arbitrary strings with BAD_USER_INPUT', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => expect(refusal(() => cursors.decode(s, cursorScope('x'), 'after'))).toBe('BAD_USER_INPUT')));
  });
});

describe('CURSOR_SECRET', () => {
  const scope = cursorScope('encode', 'Biosample', []);

  it('gateways with the same secret honour each other\'s cursors', () => {
    const a = new Cursors(SECRET);
    const b = new Cursors(SECRET);
    fc.assert(fc.property(offset, (n) => expect(b.decode(a.encode(scope, n), scope, 'after')).toBe(n)));
  });

  it('a cursor of another secret, or of a gateway without one, is BAD_USER_INPUT', () => {
    const cursor = new Cursors(SECRET).encode(scope, 7);
    expect(refusal(() => new Cursors(SECRET.replace('a', 'b')).decode(cursor, scope, 'after'))).toBe('BAD_USER_INPUT');
    expect(refusal(() => new Cursors(null).decode(cursor, scope, 'after'))).toBe('BAD_USER_INPUT');
    const own = new Cursors(null);
    expect(refusal(() => new Cursors(null).decode(own.encode(scope, 7), scope, 'after'))).toBe('BAD_USER_INPUT');
  });

  it('is read from the environment; a short one is refused in one line that does not show it', () => {
    expect(loadConfig({ CURSOR_SECRET: SECRET }).cursorSecret).toBe(SECRET);
    expect(loadConfig({}).cursorSecret).toBeNull();
    const short = 'tooshort-secret-31-characters!!';
    expect(short).toHaveLength(31);
    expect(() => loadConfig({ CURSOR_SECRET: short })).toThrow(ConfigError);
    expect(() => loadConfig({ CURSOR_SECRET: short })).toThrow('CURSOR_SECRET must be at least 32 characters (e.g. the output of openssl rand -hex 32), got 31');
    try {
      loadConfig({ CURSOR_SECRET: short });
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
