import fc from 'fast-check';
import { UpstreamPool } from '../../../src/datasources/http';
import { identifierPath } from '../../../src/datasources/encode/identifiers';
import {
  checkEncodeFilterField,
  checkEncodeIdentifier,
  checkEncodeTypeName,
  checkGdcId,
  checkGdcNodeType,
  checkGdcProject,
  headerSafe,
} from '../../../src/datasources/grammar';

/**
 * Property tests of identifier validation: whatever string a caller sends, either it is refused,
 * or the URL built from it stays under the path it was meant for (no dot segment survives).
 */
const pool = new UpstreamPool('ENCODE', 'http://127.0.0.1:9/base', { timeoutMs: 1_000 });
const accepted = (check: (s: string) => unknown, s: string) => {
  try {
    check(s);
    return true;
  } catch {
    return false;
  }
};
/** Strings rich in the characters that matter: dots, slashes, percent escapes, colons, unicode. */
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom('.', '/', '%', '2', 'e', 'E', ':', 'a', '-', '\\', '?', '#', ' ', 'é', '\u0000'), maxLength: 24 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

function segments(url: URL): string[] {
  return url.pathname.split('/').map((s) => decodeURIComponent(s));
}

describe('identifier grammar (property-based)', () => {
  it('an accepted ENCODE identifier never yields a URL outside the base path or with a dot segment', () => {
    fc.assert(
      fc.property(hostile, (id) => {
        if (!accepted(checkEncodeIdentifier, id)) return;
        const url = pool.url(identifierPath(id));
        expect(url.pathname.startsWith('/base/')).toBe(true);
        expect(segments(url)).not.toContain('..');
        expect(segments(url)).not.toContain('.');
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
      }),
      { numRuns: 3000 },
    );
  });

  it('any path with a . or .. segment, encoded or not, is refused by the pool itself', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '..', '.', '%2e%2e', '%2E', '.%2e', 'b:c'), { minLength: 1, maxLength: 6 }), (parts) => {
        const path = `/${parts.join('/')}/`;
        const dotted = parts.some((p) => ['.', '..'].includes(decodeURIComponent(p)));
        if (dotted) expect(() => pool.url(path)).toThrow(/Refused an upstream path/);
        else expect(segments(pool.url(path))).not.toContain('..');
      }),
      { numRuns: 1000 },
    );
  });

  it('accepted GDC projects, node types and ids contain only their grammar', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        if (accepted(checkGdcProject, s)) {
          const { program, project } = checkGdcProject(s);
          expect(`${program}-${project}`).toBe(s);
          expect(program).toMatch(/^[A-Za-z0-9_]+$/);
          expect(project).toMatch(/^[A-Za-z0-9_-]+$/);
        }
        if (accepted(checkGdcNodeType, s)) expect(s).toMatch(/^_?[a-z][a-z0-9_]*$/);
        if (accepted(checkGdcId, s)) expect(s).toMatch(/^[0-9a-f-]{36}$/i);
        if (accepted(checkEncodeTypeName, s)) expect(s).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        if (accepted(checkEncodeFilterField, s)) expect(s).not.toMatch(/[/?#&=%\s]/);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts what real identifiers look like', () => {
    const uuid = fc.uuid();
    const accession = fc.tuple(fc.constantFrom('BS', 'FF', 'SR', 'DO'), fc.integer({ min: 0, max: 999 }), fc.stringMatching(/^[A-Z]{3}$/)).map(
      ([t, n, s]) => `ENC${t}${String(n).padStart(3, '0')}${s}`,
    );
    const alias = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.stringMatching(/^[A-Za-z0-9_.-]{1,30}$/)).map(([ns, n]) => `${ns}:${n}`);
    fc.assert(
      fc.property(fc.oneof(uuid, accession, alias), (id) => {
        expect(checkEncodeIdentifier(id)).toBe(id);
      }),
    );
    fc.assert(fc.property(uuid, (id) => void expect(checkGdcId(id)).toBe(id)));
    expect(checkGdcProject('TCGA-LUAD')).toEqual({ program: 'TCGA', project: 'LUAD' });
    expect(checkGdcProject('CPTAC-3')).toEqual({ program: 'CPTAC', project: '3' });
    expect(checkGdcProject('HCMI-CMDC-X')).toEqual({ program: 'HCMI', project: 'CMDC-X' });
  });

  it('any file name becomes a valid header value that decodes back to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        const value = headerSafe(name);
        expect(value).toMatch(/^[\x20-\x7e]*$/);
        if (value !== name) expect(decodeURIComponent(value)).toBe(name);
      }),
    );
  });
});
