import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { checkColumns, ColumnCounter, ColumnLimitError } from '../../../../src/rules/shared/columns';

/** The widest record csv-parse reads from `text` (GDC's quoting), or what it refused with. */
function widest(text: string, delimiter: string): number {
  const rows = parse(text, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
  return Math.max(0, ...rows.map((r) => r.length));
}

function refusedAt(text: string, delimiter: '\t' | ',', max: number, quoting = true): number | null {
  try {
    checkColumns(text, delimiter, max, quoting, 'TSV');
    return null;
  } catch (err) {
    if (err instanceof ColumnLimitError) return err.line;
    throw err;
  }
}

describe('MAX_COLUMNS counting', () => {
  it('agrees with csv-parse on the widest record of random quoted CSV', () => {
    const cell = fc.oneof(fc.stringMatching(/^[a-z ]{0,3}$/), fc.stringMatching(/^[a-z,\n ]{0,4}$/).map((s) => `"${s.replace(/"/g, '""')}"`));
    const record = fc.array(cell, { minLength: 1, maxLength: 8 }).map((cells) => cells.join(','));
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }), (records, max) => {
        const text = records.join('\n');
        let expected: number;
        try {
          expected = widest(text, ',');
        } catch {
          return; // csv-parse refuses it (a quote it cannot close): nothing to compare
        }
        expect(refusedAt(text, ',', max) !== null).toBe(expected > max);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the line the record starts on, across chunks and CRLF', () => {
    const counter = new ColumnCounter(0x09, 3, true, 'TSV document');
    counter.write('a\tb\tc\r\n1\t"x\n');
    expect(() => counter.write(Buffer.from('y"\t2\t3\n'))).toThrow(new ColumnLimitError(3, 2, 'TSV document'));
    expect(new ColumnLimitError(3, 2, 'TSV document').message).toBe('The record on line 2 of the TSV document has more than 3 columns (MAX_COLUMNS=3)');
    expect(new ColumnLimitError(3, 1, 'CSV file').message).toBe('The header of the CSV file has more than 3 columns (MAX_COLUMNS=3)');
  });

  it('counts quotes as text when the format has no quoting (ENCODE TSV)', () => {
    expect(refusedAt('"a\tb"\tc', '\t', 2, false)).toBe(1);
    expect(refusedAt('"a\tb"\tc', '\t', 2, true)).toBeNull();
  });

  it('refuses a 1,000,000-column header at the limit, in milliseconds', () => {
    const text = `${Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join('\t')}\n`;
    refusedAt(text, '\t', 1_000); // warm-up (and the joined string made flat)
    const started = performance.now();
    expect(refusedAt(text, '\t', 2_000)).toBe(1);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
