import { castScalar, parseDelimited } from '../../../../src/sandbox/gdc/documents/delimited';
import { formatOf, parseBody } from '../../../../src/sandbox/gdc/documents/parse';
import { HttpError } from '../../../../src/sandbox/gdc/errors';
import { fixtureDictionary } from './fixture';

const dictionary = fixtureDictionary();
const tsv = (...lines: string[][]) => lines.map((l) => l.join('\t')).join('\n');

describe('TSV/CSV documents ([GDC] rules)', () => {
  it('parses the guide two-sample TSV into link objects', () => {
    const docs = parseDelimited(
      tsv(['type', 'project_id', 'submitter_id', 'cases.submitter_id'], ['sample', 'GDC-INTERNAL', 'S-A', 'C-1'], ['sample', 'GDC-INTERNAL', 'S-B', 'C-1']),
      '\t',
      dictionary,
    );
    expect(docs).toEqual([
      { type: 'sample', project_id: 'GDC-INTERNAL', submitter_id: 'S-A', cases: { submitter_id: 'C-1' } },
      { type: 'sample', project_id: 'GDC-INTERNAL', submitter_id: 'S-B', cases: { submitter_id: 'C-1' } },
    ]);
  });

  it('strips header whitespace and the template * marker, and skips rows without a type', () => {
    const docs = parseDelimited(tsv([' type ', '*submitter_id ', ' *is_ffpe'], ['sample', 'S-1', 'TRUE'], ['', 'S-2', 'false'], ['sample', 'S-3', 'False']), '\t', dictionary);
    expect(docs).toEqual([
      { type: 'sample', submitter_id: 'S-1', is_ffpe: true },
      { type: 'sample', submitter_id: 'S-3', is_ffpe: false },
    ]);
  });

  it('groups repeated link columns by their #N suffix into several links', () => {
    const docs = parseDelimited(
      tsv(['type', 'submitter_id', 'samples.submitter_id#1', 'samples.submitter_id#2', 'samples.id#2'], ['aliquot', 'A', 'S-1', 'S-2', '']),
      '\t',
      dictionary,
    );
    expect(docs[0].samples).toEqual([{ submitter_id: 'S-1' }, { submitter_id: 'S-2' }]);
  });

  it('splits arrays on | and coerces values by the dictionary type; empty cells are dropped, null is null', () => {
    const [doc] = parseDelimited(
      tsv(['type', 'submitter_id', 'sites', 'weight', 'is_ffpe', 'state'], ['sample', '007', 'Kidney, Upper Pole|Kidney, Middle', '2.0', 'yes', 'null']),
      '\t',
      dictionary,
    );
    expect(doc).toEqual({ type: 'sample', submitter_id: '007', sites: ['Kidney, Upper Pole', 'Kidney, Middle'], weight: 2, is_ffpe: 'yes', state: null });
    const [other] = parseDelimited(tsv(['type', 'submitter_id', 'weight', 'sites'], ['sample', 'S', '', '']), '\t', dictionary);
    expect(other).toEqual({ type: 'sample', submitter_id: 'S' });
  });

  it('casts like the Python types: ints stay text when not integral, floats become ints when integral', () => {
    expect(castScalar('12', 'int')).toBe(12);
    expect(castScalar('1.5', 'int')).toBe('1.5');
    expect(castScalar('1.50', 'float')).toBe(1.5);
    expect(castScalar('3', 'float')).toBe(3);
    expect(castScalar('1e3', 'float')).toBe(1000);
    expect(castScalar('abc', 'float')).toBe('abc');
    expect(castScalar('TRUE', 'bool')).toBe(true);
    expect(castScalar('1', 'bool')).toBe('1');
  });

  it('reads CSV with quoted commas the same way', () => {
    const docs = parseDelimited('type,submitter_id,cases.submitter_id,sites\nsample,S-1,C-1,"a, b|c"\n', ',', dictionary);
    expect(docs).toEqual([{ type: 'sample', submitter_id: 'S-1', cases: { submitter_id: 'C-1' }, sites: ['a, b', 'c'] }]);
  });

  it('chooses the format by content type, JSON by default', () => {
    expect(formatOf('text/tsv')).toBe('tsv');
    expect(formatOf('text/tab-separated-values; charset=utf-8')).toBe('tsv');
    expect(formatOf('text/csv')).toBe('csv');
    expect(formatOf('application/json')).toBe('json');
    expect(formatOf(undefined)).toBe('json');
  });

  it('refuses rows longer than the header with GDC\'s parse error', () => {
    try {
      parseBody('type\tsubmitter_id\nsample\tS\textra\n', 'tsv', dictionary, 'samples.tsv');
      throw new Error('expected a parse error');
    } catch (err) {
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(400);
      expect((err as HttpError).message).toBe("Unable to parse doc 'samples.tsv': ['row 2 has 3 cells but the header has 2']");
    }
  });

  it('reads records as wide as MAX_COLUMNS allows, the gateway\'s setting (2,000 by default), and refuses wider ones', () => {
    const wide = (n: number) => tsv(['type', 'submitter_id', ...Array.from({ length: n - 2 }, (_, i) => `x${i}`)], ['sample', 'S', ...Array.from({ length: n - 2 }, () => '')]);
    expect(parseBody(wide(2_000), 'tsv', dictionary, 'a.tsv')).toEqual([{ type: 'sample', submitter_id: 'S' }]);
    expect(() => parseBody(wide(2_001), 'tsv', dictionary, 'a.tsv')).toThrow(/has more than 2000 columns \(MAX_COLUMNS=2000\)/);
    expect(parseBody(wide(2_001), 'tsv', dictionary, 'a.tsv', 3_000)).toEqual([{ type: 'sample', submitter_id: 'S' }]);
    expect(() => parseBody(wide(3_001), 'tsv', dictionary, 'a.tsv', 3_000)).toThrow(/has more than 3000 columns \(MAX_COLUMNS=3000\)/);
  });
});
