import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputRecord } from '../../../src/cli/register/input';
import type { EntityResult } from '../../../src/cli/register/operations';
import { reportRow, writeReport } from '../../../src/cli/register/report';

const input = (over: Partial<InputRecord> = {}): InputRecord => ({ row: 3, position: 1, index: 1, alias: 'lab:x', file: null, localFile: null, errors: [], notes: [], ...over });
const entity = (over: Partial<EntityResult> = {}): EntityResult => ({
  index: 1,
  row: 3,
  action: 'create',
  valid: true,
  id: 'u-1',
  accession: 'TSTBS000001',
  type: 'biosample',
  aliases: ['lab:x'],
  record: null,
  errors: [],
  warnings: [],
  ...over,
});

describe('report rows', () => {
  it("take the gateway's answer for each record", () => {
    expect(reportRow(input(), entity(), null)).toEqual({ row: 3, index: 1, alias: 'lab:x', accession: 'TSTBS000001', id: 'u-1', action: 'create', errors: [], upload: null, failed: false });
    expect(reportRow(input(), entity({ action: 'exists' }), null).failed).toBe(false);
  });

  it('fail with the entity errors, the local ones, or the request error', () => {
    const bad = reportRow(input(), entity({ action: null, valid: false, id: null, accession: null, errors: [{ code: 'INVALID_VALUE', message: "'x' is not valid", keys: ['passage_number'], location: null }] }), null);
    expect(bad).toMatchObject({ failed: true, errors: ["INVALID_VALUE [passage_number]: 'x' is not valid"] });
    expect(reportRow(input({ errors: ['submitted_file_name: /x does not exist'] }), undefined, null)).toMatchObject({ failed: true, errors: ['submitted_file_name: /x does not exist'] });
    expect(reportRow(input(), undefined, 'the gateway refused the request: boom')).toMatchObject({ failed: true, errors: ['the gateway refused the request: boom'] });
    expect(reportRow(input(), undefined, null)).toMatchObject({ failed: true, errors: ['the gateway answered nothing for this record'] });
  });
});

describe('writeReport', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rows = [
    { ...reportRow(input(), entity(), null), upload: 'uploaded 1.0 KiB, md5 abc' },
    reportRow(input({ row: 4, position: 2, alias: 'lab:y' }), entity({ row: 4, action: null, aliases: [], accession: null, errors: [{ code: 'A', message: 'tab\there\nand line', keys: [], location: null }, { code: 'B', message: 'two', keys: [], location: null }] }), null),
  ];

  it('writes TSV for .tsv: one line per row, errors joined, no tab or newline inside a cell', () => {
    const file = path.join(dir, 'r.tsv');
    writeReport(file, rows);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      'row\talias\taccession\taction\terrors\tupload\n3\tlab:x\tTSTBS000001\tcreate\t\tuploaded 1.0 KiB, md5 abc\n4\tlab:y\t\t\tA: tab here and line; B: two\t\n',
    );
  });

  it('writes a JSON array otherwise', () => {
    const file = path.join(dir, 'r.json');
    writeReport(file, rows);
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(parsed).toHaveLength(2);
    expect(parsed[1]).toEqual({ row: 4, index: 2, alias: 'lab:y', accession: null, id: 'u-1', action: null, errors: ['A: tab\there\nand line', 'B: two'], upload: null });
  });
});
