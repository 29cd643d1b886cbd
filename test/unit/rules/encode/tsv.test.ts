import fc from 'fast-check';
import { parseTsv, TsvHeaderError } from '../../../../src/rules/encode/tsv';

describe('parseTsv (eu_register TSV rules)', () => {
  it('reads a header of property names and rows of trimmed, non-empty cells with their line numbers', () => {
    const doc = parseTsv('aliases\tdescription\tpassage_number\nlab:a\t  some text  \t3\nlab:b\t\t4\n');
    expect(doc.header).toEqual(['aliases', 'description', 'passage_number']);
    expect(doc.rows).toEqual([
      { line: 2, cells: [['aliases', 'lab:a'], ['description', 'some text'], ['passage_number', '3']], problems: [] },
      { line: 3, cells: [['aliases', 'lab:b'], ['passage_number', '4']], problems: [] },
    ]);
  });

  it('skips # columns, # lines and blank lines, keeping line numbers of the document', () => {
    const doc = parseTsv('aliases\t#note\tdescription\n# a comment\n\n   \nlab:a\tignored\td\n');
    expect(doc.rows).toEqual([{ line: 5, cells: [['aliases', 'lab:a'], ['description', 'd']], problems: [] }]);
  });

  it('reads CRLF, lone CR and a byte-order mark (encode_utils needs Python newline translation)', () => {
    const doc = parseTsv('\uFEFFaliases\tdescription\r\nlab:a\tx\r\nlab:b\ty\rlab:c\tz');
    expect(doc.header).toEqual(['aliases', 'description']);
    expect(doc.rows.map((r) => [r.line, r.cells])).toEqual([
      [2, [['aliases', 'lab:a'], ['description', 'x']]],
      [3, [['aliases', 'lab:b'], ['description', 'y']]],
      [4, [['aliases', 'lab:c'], ['description', 'z']]],
    ]);
  });

  it('keeps quotes: a TSV cell is its text', () => {
    const doc = parseTsv(`description\tx\n"quoted"\t5' end\n`);
    expect(doc.rows[0].cells).toEqual([['description', '"quoted"'], ['x', "5' end"]]);
  });

  it('reports too many cells on that row only (encode_utils raises KeyError and stops)', () => {
    const doc = parseTsv('a\tb\n1\t2\t3\n4\t5\n6\t7\t\t\n');
    expect(doc.rows[0].problems).toEqual([{ column: null, message: 'too many cells: 3 cells, but the header has 2 columns' }]);
    expect(doc.rows[1].problems).toEqual([]);
    // Trailing empty cells (stray tabs from a spreadsheet) are harmless.
    expect(doc.rows[2].problems).toEqual([]);
  });

  it('refuses a document without a header, or with a column named twice', () => {
    expect(() => parseTsv('\nlab:a')).toThrow(TsvHeaderError);
    expect(() => parseTsv('a\tb\ta\n1\t2\t3')).toThrow("column 'a' appears twice in the header (columns 1 and 3)");
  });

  it('reports a value under a column without a name', () => {
    const doc = parseTsv('a\t\tb\n1\tx\t2\n');
    expect(doc.rows[0].problems).toEqual([{ column: null, message: "cell 2 holds 'x' but its column has no name in the header" }]);
  });
});

/** A cell: text without tabs or line breaks, maybe padded with spaces, maybe empty. */
const cell = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('', ' ', '  '), fc.stringMatching(/^[^\t\r\n]{1,12}$/), fc.constantFrom('', ' ')).map(([a, b, c]) => a + b + c),
);

const table = fc
  .uniqueArray(fc.stringMatching(/^#?[a-z_]{1,8}$/), { minLength: 1, maxLength: 5 })
  .chain((columns) =>
    fc.record({
      columns: fc.constant(columns),
      rows: fc.array(
        fc.oneof(
          { weight: 5, arbitrary: fc.array(cell, { minLength: columns.length, maxLength: columns.length }).map((cells) => ({ kind: 'row' as const, cells })) },
          { weight: 1, arbitrary: fc.stringMatching(/^#[^\r\n]{0,10}$/).map((text) => ({ kind: 'comment' as const, text })) },
          { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t').map((text) => ({ kind: 'blank' as const, text })) },
        ),
        { maxLength: 12 },
      ),
      eol: fc.constantFrom('\n', '\r\n'),
    }),
  );

describe('parseTsv, for any table', () => {
  it('gives back exactly the non-empty trimmed cells of every data line, # columns left out, in column order, with its line number', () => {
    fc.assert(
      fc.property(table, ({ columns, rows, eol }) => {
        const lines = [columns.join('\t'), ...rows.map((r) => (r.kind === 'row' ? r.cells.join('\t') : r.text))];
        const parsed = parseTsv(lines.join(eol) + eol);
        // The model: the rules as the manual states them, applied line by line.
        const expected = rows.flatMap((r, i) => {
          const line = lines[i + 1];
          if (r.kind !== 'row' || line.trim() === '' || line.startsWith('#')) return [];
          const cells = r.cells.flatMap((c, j) => (c.trim() && !columns[j].startsWith('#') ? [[columns[j], c.trim()] as [string, string]] : []));
          return [{ line: i + 2, cells, problems: [] }];
        });
        expect(parsed.header).toEqual(columns);
        expect(parsed.rows).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
