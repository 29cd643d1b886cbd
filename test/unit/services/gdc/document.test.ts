import { Readable } from 'node:stream';
import type { FileUpload } from 'graphql-upload-minimal';
import { documentChunks, increasingRuns, sendOrder } from '../../../../src/services/gdc/document/chunks';
import { entityKeys, scanDocument } from '../../../../src/services/gdc/document/scan';
import { checkHeader, RowScanner, entityRows } from '../../../../src/services/gdc/document/rows';
import { DocumentDecoder } from '../../../../src/services/gdc/document/decode';
import { memoryDocument, spoolUpload } from '../../../../src/services/gdc/document/source';
import { parse } from 'csv-parse/sync';

const upload = (text: string, filename = 'doc.tsv'): Promise<FileUpload> =>
  Promise.resolve({ filename, mimetype: 'text/plain', encoding: '7bit', fieldName: 'file', createReadStream: () => Readable.from([Buffer.from(text)]) } as unknown as FileUpload);

describe('scanDocument', () => {
  it('gives the line of every row GDC turns into an entity, skipping blank lines and rows without a type', async () => {
    const tsv = ['type\tsubmitter_id', 'sample\ts1', '', '\ts-skipped', 'case\tc2'].join('\n');
    const scan = await scanDocument(memoryDocument(tsv, 'tsv'));
    expect(scan.rows).toEqual([2, 5]);
    expect(scan.typeIndex.map((i) => scan.types[i])).toEqual(['sample', 'case']);
  });

  it('reads CSV, a *type header from a template, and quoted cells over several lines', async () => {
    const csv = '*type,submitter_id,comment\ncase,c1,"two\nlines"\ncase,c2,x\n';
    expect((await scanDocument(memoryDocument(csv, 'csv'))).rows).toEqual([2, 4]);
  });

  it('refuses a document without a type column', async () => {
    await expect(scanDocument(memoryDocument('submitter_id\nx', 'tsv'))).rejects.toThrow(/no 'type' column/);
  });

  it('types the entities of a JSON document, one object or an array', async () => {
    const scan = await scanDocument(memoryDocument('[{"type":"case"},{"type":"sample"},{"x":1}]', 'json'));
    expect(scan.typeIndex.map((i) => scan.types[i])).toEqual(['case', 'sample', '']);
    expect((await scanDocument(memoryDocument('{"type":"case"}', 'json'))).count).toBe(1);
    await expect(scanDocument(memoryDocument('[{"type":"case"}, {"type": ]', 'json'))).rejects.toThrow(/not valid JSON/);
  });
});

describe('entityKeys', () => {
  it('reads type, submitter_id and id of TSV rows and JSON entities', async () => {
    const tsv = 'type\tid\tsubmitter_id\ncase\t\tc1\nsample\tabc\t\n';
    expect(await entityKeys(memoryDocument(tsv, 'tsv'))).toEqual([
      { type: 'case', submitterId: 'c1', id: null },
      { type: 'sample', submitterId: null, id: 'abc' },
    ]);
    expect(await entityKeys(memoryDocument('{"type":"case","submitter_id":"x"}', 'json'))).toEqual([{ type: 'case', submitterId: 'x', id: null }]);
  });
});

describe('spoolUpload', () => {
  it('keeps the file on disk, readable again, and guesses its format', async () => {
    const doc = await spoolUpload(upload('type,submitter_id\ncase,a\n', 'cases'), 1000, null);
    try {
      expect(doc.format).toBe('csv');
      expect(doc.bytes).toBe(25);
      for (let i = 0; i < 2; i++) expect((await scanDocument(doc)).rows).toEqual([2]);
    } finally {
      await doc.dispose();
    }
  });

  it('refuses a file larger than the limit, and an empty one', async () => {
    await expect(spoolUpload(upload('x'.repeat(2000)), 1000, 'tsv')).rejects.toThrow(/larger than the 1000-byte limit/);
    await expect(spoolUpload(upload(''), 1000, 'tsv')).rejects.toThrow(/empty/);
  });
});

describe('chunks', () => {
  const ranks = new Map([['case', 0], ['sample', 1], ['aliquot', 2]]);

  it('orders parents first, keeping input order within a type, unknown types last', async () => {
    const scan = await scanDocument(memoryDocument('[{"type":"aliquot"},{"type":"case"},{"type":"nope"},{"type":"sample"},{"type":"case"}]', 'json'));
    expect(sendOrder(scan, ranks)).toEqual([1, 4, 3, 0, 2]);
  });

  it('finds the stretches one pass can serve', () => {
    expect(increasingRuns([0, 1, 2])).toEqual([[0, 3]]);
    expect(increasingRuns([1, 4, 3, 0, 2])).toEqual([[0, 2], [2, 3], [3, 5]]);
    expect(increasingRuns([])).toEqual([]);
  });

  it('cuts a TSV into documents of its own with the header, parents first', async () => {
    const tsv = ['type\tsubmitter_id\tsamples.submitter_id#1\tcomment', 'aliquot\ta1\ts1\t', 'case\tc1\t\t"tab\there"', 'sample\ts1\t\t', 'case\tc2\t\t'].join('\n');
    const doc = memoryDocument(tsv, 'tsv');
    const scan = await scanDocument(doc);
    const chunks = [];
    for await (const c of documentChunks(doc, sendOrder(scan, ranks), 2)) chunks.push(c);
    expect(chunks.map((c) => c.entities)).toEqual([[1, 3], [2, 0]]);
    const first = parse(chunks[0].body.toString(), { delimiter: '\t' });
    expect(first).toEqual([['type', 'submitter_id', 'samples.submitter_id#1', 'comment'], ['case', 'c1', '', 'tab\there'], ['case', 'c2', '', '']]);
    expect(parse(chunks[1].body.toString(), { delimiter: '\t' }).map((r: string[]) => r[1])).toEqual(['submitter_id', 's1', 'a1']);
  });

  it('cuts a JSON document into arrays', async () => {
    const doc = memoryDocument(JSON.stringify([{ type: 'sample', n: 1 }, { type: 'case', n: 2 }, { type: 'case', n: 3 }]), 'json');
    const scan = await scanDocument(doc);
    const bodies = [];
    for await (const c of documentChunks(doc, sendOrder(scan, ranks), 2)) bodies.push(JSON.parse(c.body.toString()));
    expect(bodies).toEqual([[{ type: 'case', n: 2 }, { type: 'case', n: 3 }], [{ type: 'sample', n: 1 }]]);
  });
});

describe('RowScanner (entityRows)', () => {
  const cases: [string, string, 'tsv' | 'csv'][] = [
    ['blank lines and rows without a type', ['type\tsubmitter_id', 'sample\ts1', '', '\ts-skipped', 'sample\ts2'].join('\n'), 'tsv'],
    ['CRLF line ends', 'type\tsubmitter_id\r\ncase\ta\r\n\r\n\tx\r\ncase\tc\r\n', 'tsv'],
    ['quoted cells over lines, with delimiters and doubled quotes', '*type,submitter_id,comment\ncase,c1,"two\nlines, ""quoted"""\ncase,c2,x\n"case",c3,"a\n\nb"\n', 'csv'],
    ['a BOM, a quoted header cell and a type column that is not first', '\ufeffsubmitter_id\t"type"\na\tcase\nb\t \nc\tsample', 'tsv'],
    ['a quote inside an unquoted cell', 'type\tx\ncase\tsay "hi\ncase\tok', 'tsv'],
    ['blank lines before the header, a padded `*type` cell after a long one', `\n\n${'x'.repeat(300)}\t  *type \nlong\tcase\nlong\t\n`, 'tsv'],
    ['a header of 20,000 columns with type last', `${Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(',')},type\n${'1,'.repeat(20_000)}case\n${'1,'.repeat(20_000)}\n`, 'csv'],
  ];

  it.each(cases)('gives the lines the full parser gives: %s', async (_what, text, format) => {
    const doc = memoryDocument(text, format);
    const expected = (await scanDocument(doc)).rows;
    expect((await entityRows(doc)).lines).toEqual(expected);
  });

  it('gives the header columns as GDC names them (trimmed, without the template\'s *), so errors name their column', async () => {
    expect((await entityRows(memoryDocument(cases[2][1], 'csv'))).columns).toEqual(['type', 'submitter_id', 'comment']);
    expect((await entityRows(memoryDocument(cases[3][1], 'tsv'))).columns).toEqual(['submitter_id', 'type']);
    expect((await scanDocument(memoryDocument(cases[2][1], 'csv'))).columns).toEqual(['type', 'submitter_id', 'comment']);
  });

  it('reads documents split anywhere', async () => {
    const text = cases[2][1].repeat(1).replace(/\n$/, '') + '\ncase,c4,"x\ny"\n';
    const expected = (await scanDocument(memoryDocument(text, 'csv'))).rows;
    for (let piece = 1; piece < 9; piece++) {
      const scanner = new RowScanner(0x2c);
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += piece) scanner.write(bytes.subarray(i, i + piece));
      expect(scanner.end()).toEqual(expected);
    }
  });

  it('refuses a document without a type column', async () => {
    await expect(entityRows(memoryDocument('submitter_id\nx', 'tsv'))).rejects.toThrow(/no 'type' column/);
  });

  it('checkHeader reads the header only, and knows `type` however the header spells it', async () => {
    await expect(checkHeader(memoryDocument('submitter_id\tx\ntype\n', 'tsv'))).rejects.toThrow("The TSV header has no 'type' column");
    await expect(checkHeader(memoryDocument(`${'c,'.repeat(100_000)}"*type"\ncase`, 'csv'))).resolves.toBeUndefined();
    await expect(checkHeader(memoryDocument('\ufeff\r\n\t\r\nsubmitter_id\t type \r\n', 'tsv'))).resolves.toBeUndefined();
    await expect(checkHeader(memoryDocument('"ty\npe",x\ncase', 'csv'))).rejects.toThrow(/no 'type' column/);
  });
});

describe('DocumentDecoder', () => {
  const text = 'type\tsubmitter_id\ncase\tCAFÉ-日本-😀\n';
  const decodeIn = (bytes: Buffer, piece: number) => {
    const d = new DocumentDecoder('cases.tsv');
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += piece) out.push(d.push(bytes.subarray(i, i + piece)));
    out.push(d.end());
    return Buffer.concat(out).toString('utf8');
  };

  it.each([
    ['UTF-8', Buffer.from(text)],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
  ])('gives UTF-8 without a BOM from %s, cut anywhere', (_what, bytes) => {
    for (const piece of [1, 2, 3, 5, 1000]) expect(decodeIn(bytes, piece)).toBe(text);
  });

  it('refuses bytes that are not UTF-8 with the offset of the first, as the whole-document check does', () => {
    const latin1 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/日本-😀/, ''), 'latin1')]);
    const offset = latin1.indexOf(0xc9);
    for (const piece of [1, 4, 1000]) expect(() => decodeIn(latin1, piece)).toThrow(`byte ${offset} is 0xC9`);
    expect(() => decodeIn(Buffer.from([0x61, 0xe6, 0x97]), 1)).toThrow('byte 1 is 0xE6');
  });
});
