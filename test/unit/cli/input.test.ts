import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type InputRecord, parseInput } from '../../../src/cli/register/input';
import { measureFile } from '../../../src/cli/register/local-files';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const POST = { measure: true, upload: true };

describe('register input: local data files measured, the document kept as the user wrote it', () => {
  let dir: string;
  let cwd: string;
  const a = Buffer.from('reads of a\n'.repeat(100));
  const b = Buffer.from('reads of b\n');
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-input-'));
    fs.writeFileSync(path.join(dir, 'a.fastq.gz'), a);
    fs.writeFileSync(path.join(dir, 'b.fastq.gz'), b);
    cwd = process.cwd();
    process.chdir(dir); // relative names are taken from the working directory, as eu_register does
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function measure(records: InputRecord[]) {
    for (const r of records) if (r.file && !r.errors.length) r.localFile = await measureFile(r.file);
  }

  it('adds md5sum and file_size columns to a TSV, filled for rows with a local file, rows and comments untouched', async () => {
    const tsv = [
      'aliases\tsubmitted_file_name\t#note',
      '# a comment line',
      'lab:a\ta.fastq.gz\tx',
      '',
      'lab:no-file',
      `lab:b\t${path.join(dir, 'b.fastq.gz')}`,
      '',
    ].join('\r\n');
    const input = parseInput(tsv, 'files.tsv', POST);
    expect(input.format).toBe('tsv');
    expect(input.records.map((r) => [r.row, r.alias, r.file])).toEqual([
      [3, 'lab:a', path.join(dir, 'a.fastq.gz')],
      [5, 'lab:no-file', null],
      [6, 'lab:b', path.join(dir, 'b.fastq.gz')],
    ]);
    await measure(input.records);
    const lines = input.render().split('\r\n');
    expect(lines).toEqual([
      'aliases\tsubmitted_file_name\t#note\tmd5sum\tfile_size',
      '# a comment line',
      `lab:a\ta.fastq.gz\tx\t${md5(a)}\t${a.length}`,
      '',
      'lab:no-file\t\t\t\t',
      `lab:b\t${path.join(dir, 'b.fastq.gz')}\t\t${md5(b)}\t${b.length}`,
      '',
    ]);
    expect(input.records.map((r) => r.index)).toEqual([0, 1, 2]);
  });

  it('fills empty md5sum/file_size cells, keeps matching ones and holds back rows whose given ones differ', async () => {
    const tsv = [
      'aliases\tmd5sum\tsubmitted_file_name\tfile_size',
      `lab:a\t\ta.fastq.gz\t`,
      `lab:b-right\t${md5(b).toUpperCase()}\tb.fastq.gz\t${b.length}`,
      `lab:b-wrong\t${md5(a)}\tb.fastq.gz`,
      `lab:a-size\t\ta.fastq.gz\t3`,
    ].join('\n');
    const input = parseInput(tsv, 'files.tsv', POST);
    await measure(input.records);
    const lines = input.render().split('\n');
    expect(lines[1]).toBe(`lab:a\t${md5(a)}\ta.fastq.gz\t${a.length}`);
    expect(lines[2]).toBe(`lab:b-right\t${md5(b).toUpperCase()}\tb.fastq.gz\t${b.length}`);
    // Held back as comments: the gateway skips them and every other row keeps its line number.
    expect(lines[3]).toBe(`#lab:b-wrong\t${md5(a)}\tb.fastq.gz`);
    expect(lines[4]).toBe('#lab:a-size\t\ta.fastq.gz\t3');
    expect(input.records[2].errors).toEqual([`md5sum ${md5(a)} is not the md5 of ${path.join(dir, 'b.fastq.gz')} (${md5(b)})`]);
    expect(input.records[3].errors).toEqual([`file_size 3 is not the size of ${path.join(dir, 'a.fastq.gz')} (${a.length} bytes)`]);
    expect(input.records.map((r) => r.index)).toEqual([0, 1, null, null]);
  });

  it('splits lines as the gateway does (LF, CRLF or CR, a byte-order mark ignored) and keeps each line break', async () => {
    const tsv = '\uFEFFsubmitted_file_name\taliases\ra.fastq.gz\tlab:a\r\n\nb.fastq.gz\tlab:b';
    const input = parseInput(tsv, 'mixed.tsv', POST);
    expect(input.records.map((r) => [r.row, r.alias])).toEqual([
      [2, 'lab:a'],
      [4, 'lab:b'],
    ]);
    await measure(input.records);
    expect(input.render()).toBe(`\uFEFFsubmitted_file_name\taliases\tmd5sum\tfile_size\ra.fastq.gz\tlab:a\t${md5(a)}\t${a.length}\r\n\nb.fastq.gz\tlab:b\t${md5(b)}\t${b.length}`);
  });

  it('holds back a record whose local file is missing when files are uploaded, and only notes it with --no-upload-file', () => {
    const tsv = 'aliases\tsubmitted_file_name\nlab:gone\tgone.fastq.gz\n';
    const uploading = parseInput(tsv, 'f.tsv', POST);
    expect(uploading.records[0].errors).toEqual([`submitted_file_name: ${path.join(dir, 'gone.fastq.gz')} does not exist`]);
    expect(uploading.render()).toBe('aliases\tsubmitted_file_name\n#lab:gone\tgone.fastq.gz\n');

    const notUploading = parseInput(tsv, 'f.tsv', { measure: true, upload: false });
    expect(notUploading.records[0].errors).toEqual([]);
    expect(notUploading.records[0].notes[0]).toMatch(/does not exist \(md5sum and file_size as given\)$/);
    expect(notUploading.render()).toBe(tsv);
  });

  it('leaves s3:// and gs:// sources to the gateway, with a note', () => {
    const input = parseInput('aliases\tsubmitted_file_name\nlab:s3\ts3://bucket/reads.fastq.gz\n', 'f.tsv', POST);
    expect(input.records[0]).toMatchObject({ file: null, errors: [], notes: ['submitted_file_name s3://bucket/reads.fastq.gz is not on this machine: the CLI uploads local files only'] });
  });

  it('does the same for JSON (one object or an array), leaving held-back records out', async () => {
    const json = JSON.stringify([
      { aliases: ['lab:a'], submitted_file_name: 'a.fastq.gz' },
      { aliases: ['lab:b'], submitted_file_name: 'b.fastq.gz', md5sum: md5(a) },
      { aliases: ['lab:plain'], title: 'no file' },
    ]);
    const input = parseInput(json, 'files.json', POST);
    await measure(input.records);
    expect(JSON.parse(input.render())).toEqual([
      { aliases: ['lab:a'], submitted_file_name: 'a.fastq.gz', md5sum: md5(a), file_size: a.length },
      { aliases: ['lab:plain'], title: 'no file' },
    ]);
    expect(input.records.map((r) => [r.row, r.index, r.alias])).toEqual([
      [null, 0, 'lab:a'],
      [null, null, 'lab:b'],
      [null, 1, 'lab:plain'],
    ]);
    const single = parseInput('{"record_id": "TSTFF000001", "notes": "x"}', 'patch.txt', { measure: false, upload: false });
    expect(single.format).toBe('json');
    expect(single.records.map((r) => r.alias)).toEqual(['TSTFF000001']);
  });

  it('measures nothing when patching: submitted_file_name is just a property then', () => {
    const input = parseInput('record_id\tsubmitted_file_name\nTSTFF000001\tgone.fastq.gz\n', 'p.tsv', { measure: false, upload: false });
    expect(input.records[0]).toMatchObject({ alias: 'TSTFF000001', file: null, errors: [], notes: [] });
  });

  it('refuses JSON that does not parse, naming the file', () => {
    expect(() => parseInput('[{"a": 1,]', 'bad.json', POST)).toThrow(/^bad\.json is not valid JSON/);
  });
});

describe('measureFile', () => {
  it('reads the md5 and size of a file in chunks, telling each one', async () => {
    const file = path.join(os.tmpdir(), `measure-${process.pid}.bin`);
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    fs.writeFileSync(file, bytes);
    const seen: number[] = [];
    try {
      expect(await measureFile(file, (n) => seen.push(n))).toEqual({ path: file, size: bytes.length, md5: md5(bytes) });
      expect(seen.length).toBe(4);
      expect(seen.reduce((x, y) => x + y, 0)).toBe(bytes.length);
    } finally {
      fs.rmSync(file);
    }
  });
});
