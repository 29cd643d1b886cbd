import { DEFAULT_LIMITS } from '../../../../src/config';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { castRecord, readRawRecords } from '../../../../src/services/encode/inputs';
import { type PrepareOptions, prepareCreate, preparePatch } from '../../../../src/services/encode/prepare';
import { ProfileRegistry } from '../../../../src/sandbox/encode/profiles';
import { dataPath } from '../../../../src/sandbox/shared/paths';

const registry = new ProfileRegistry(dataPath('encode', 'profiles'));
const info = (name: string) => registry.get(name)!;

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'upload-root-')));
const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'outside-')));
fs.writeFileSync(path.join(root, 'protocol.txt'), 'Grow in DMEM.');
fs.writeFileSync(path.join(root, 'notes.docx'), 'x');
fs.mkdirSync(path.join(root, 'runs'));
fs.writeFileSync(path.join(root, 'runs', 'r1.fastq.gz'), Buffer.alloc(100_000, 7));
fs.writeFileSync(path.join(outside, 'secret.txt'), 'not yours');
fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));

const options = (extra: Partial<PrepareOptions> = {}): PrepareOptions => ({
  award: 'ENCODE4',
  lab: 'barbara-wold',
  aliasLab: 'barbara-wold',
  noAliases: false,
  access: { uploadRoot: root, maxBytes: 1_000_000, s3Endpoint: null },
  unreachableLink: async (value) => (value.startsWith('/users/') ? 'users are not submission records' : null),
  labNameOf: async (id) => (id === '0a6f2a2e-4e6c-4e3a-9a4e-4b0c9b1b7d6e' ? 'michael-snyder' : null),
  ...extra,
});
const input = (record: Record<string, unknown>, row: number | null = null) => ({ index: 0, row, record, errors: [] });

describe('reading ENCODE input documents', () => {
  it('reads a TSV, names row and column of each bad cell, and keeps the other rows', async () => {
    const doc = { format: 'tsv' as const, text: 'aliases\tpassage_number\tcolour\nbs-1\t3\t\nbs-2\tfive\tred\nbs-3\t4\t\t\textra\n', entities: null, filename: null };
    const raws = await readRawRecords(doc);
    const rows = raws.map((r) => castRecord(r, info('biosample'), false));
    expect(rows.map((r) => [r.row, r.record])).toEqual([
      [2, { aliases: ['bs-1'], passage_number: 3 }],
      [3, { aliases: ['bs-2'] }],
      [4, { aliases: ['bs-3'], passage_number: 4 }],
    ]);
    expect(rows[0].errors).toEqual([]);
    expect(rows[1].errors.map((e) => [e.type, e.keys, e.message])).toEqual([
      ['INVALID_VALUE', ['passage_number'], "Row 3, column 'passage_number': 'five' is not an integer"],
      ['INVALID_PROPERTY', ['colour'], "Row 3, column 'colour': unknown column 'colour': the biosample profile has no such property"],
    ]);
    expect(rows[2].errors.map((e) => e.message)).toEqual(['Row 4: too many cells: 5 cells, but the header has 3 columns']);
  });

  it('refuses comma-separated input and a TSV without records, as the whole request', async () => {
    await expect(readRawRecords({ format: 'csv', text: 'a,b\n1,2', entities: null, filename: null })).rejects.toThrow(/JSON or tab-separated/);
    await expect(readRawRecords({ format: 'tsv', text: 'aliases\n# nothing\n', entities: null, filename: null })).rejects.toThrow(/no records/);
  });

  it('refuses a TSV line of more than MAX_COLUMNS cells as LIMIT_EXCEEDED, naming the line', async () => {
    const limits = { ...DEFAULT_LIMITS, columns: 3 };
    const wide = { format: 'tsv' as const, text: 'aliases\tdescription\tpassage_number\nbs-1\tx\t3\t4\n', entities: null, filename: null };
    await expect(readRawRecords(wide, limits)).rejects.toMatchObject({
      message: 'The record on line 2 of the TSV has more than 3 columns (MAX_COLUMNS=3)',
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_COLUMNS', max: 3 },
    });
    expect(await readRawRecords({ ...wide, text: 'aliases\tdescription\tpassage_number\nbs-1\tx\t3\n' }, limits)).toHaveLength(1);
  });

  it('refuses a JSON document beyond MAX_JSON_KEYS, and reads one with more entities than MAX_LIST_ITEMS', async () => {
    const limits = { ...DEFAULT_LIMITS, jsonKeys: 2, listItems: 2 };
    const doc = (text: string) => ({ format: 'json' as const, text, entities: null, filename: null });
    await expect(readRawRecords(doc('[{"a": 1, "b": 2, "c": 3}]'), limits)).rejects.toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_JSON_KEYS' } });
    expect(await readRawRecords(doc('[{"a": 1}, {"a": 2}, {"a": 3}]'), limits)).toHaveLength(3);
    await expect(readRawRecords(doc('[{"a": 1, "a": 2}]'), limits)).rejects.toMatchObject({ message: expect.stringMatching(/not valid JSON: Duplicate key "a"/), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('prepareCreate', () => {
  it('fills award and lab only where the profile has them (encode_utils never does: its check reads the wrong keys)', async () => {
    const sample = await prepareCreate(input({ aliases: ['a'] }), info('biosample'), options());
    expect(sample.record).toMatchObject({ award: 'ENCODE4', lab: 'barbara-wold' });
    const organism = await prepareCreate(input({ name: 'fish', taxon_id: '7955', scientific_name: 'Danio rerio' }), info('organism'), options());
    expect(organism.record).not.toHaveProperty('award');
    expect(organism.record).not.toHaveProperty('lab');
    const own = await prepareCreate(input({ aliases: ['a'], lab: 'other-lab' }), info('biosample'), options());
    expect(own.record.lab).toBe('other-lab');
  });

  it('cleans, prefixes and dedupes aliases, keeping their order', async () => {
    const p = await prepareCreate(input({ aliases: ['z/1', 'barbara-wold:z_1', 'other:#b'] }), info('biosample'), options());
    expect(p.record.aliases).toEqual(['barbara-wold:z_1', 'other:b']);
    expect(p.keys).toEqual(['barbara-wold:z_1', 'other:b']);
  });

  it("prefixes with the record's own lab when no lab is configured, looking a lab uuid up", async () => {
    const p = await prepareCreate(input({ aliases: ['x'], lab: '0a6f2a2e-4e6c-4e3a-9a4e-4b0c9b1b7d6e' }), info('biosample'), options({ aliasLab: null, lab: null }));
    expect(p.record.aliases).toEqual(['michael-snyder:x']);
    const none = await prepareCreate(input({ aliases: ['x'] }), info('biosample'), options({ aliasLab: null, lab: null }));
    expect(none.errors.map((e) => e.message)).toEqual(["alias 'x' has no lab prefix and no lab is known to add one (give lab, or set DCC_LAB)"]);
  });

  it('requires aliases (encode_utils never raises MissingAlias), unless noAliases or another unique key names the record', async () => {
    const missing = await prepareCreate(input({}, 7), info('biosample'), options());
    expect(missing.errors).toEqual([expect.objectContaining({ type: 'MISSING_PROPERTY', keys: ['aliases'], message: expect.stringMatching(/^aliases are required/) })]);
    expect((await prepareCreate(input({}), info('biosample'), options({ noAliases: true }))).errors).toEqual([]);
    const source = await prepareCreate(input({ name: 'vendor-x', title: 'Vendor X' }), info('source'), options());
    expect(source.errors).toEqual([]);
    expect(source.keys).toEqual(['/sources/vendor-x/']);
  });

  it('turns {"path": …} attachments under UPLOAD_ROOT into data URIs, and refuses any other path', async () => {
    const doc = (attachment: unknown) => input({ aliases: ['d'], document_type: 'growth protocol', attachment });
    const ok = await prepareCreate(doc({ path: 'protocol.txt' }), info('document'), options());
    expect(ok.record.attachment).toEqual({ download: 'protocol.txt', type: 'text/plain', href: `data:text/plain;base64,${Buffer.from('Grow in DMEM.').toString('base64')}` });
    const refused = async (attachment: unknown, opts = options()) => (await prepareCreate(doc(attachment), info('document'), opts)).errors.map((e) => e.message).join();
    expect(await refused({ path: path.join(outside, 'secret.txt') })).toMatch(/is not a file under UPLOAD_ROOT/);
    expect(await refused({ path: '../../../../etc/passwd' })).toMatch(/is not a file under UPLOAD_ROOT/);
    expect(await refused({ path: 'escape.txt' })).toMatch(/'escape.txt' is not a file under UPLOAD_ROOT/);
    expect(await refused({ path: 'notes.docx' })).toMatch(/cannot tell the type of/);
    expect(await refused({ path: 'missing.pdf' })).toMatch(/'missing.pdf' is not a file under UPLOAD_ROOT/);
    // Outside the root, what exists and what does not get the same answer (only the name differs).
    const existing = await refused({ path: path.join(outside, 'secret.txt') });
    const missing = await refused({ path: path.join(outside, 'no-such-secret.txt') });
    expect(missing.replace('no-such-secret.txt', 'secret.txt')).toBe(existing);
    expect(await refused({ path: 'protocol.txt' }, options({ access: { uploadRoot: null, maxBytes: 1e6, s3Endpoint: null } }))).toMatch(/UPLOAD_ROOT, which is not set/);
    // A complete attachment object is sent as it is.
    const given = { download: 'a.txt', type: 'text/plain', href: 'data:text/plain;base64,eA==' };
    expect((await prepareCreate(doc(given), info('document'), options())).record.attachment).toEqual(given);
  });

  it('computes md5sum and file_size of a file record from submitted_file_name under UPLOAD_ROOT', async () => {
    const bytes = fs.readFileSync(path.join(root, 'runs', 'r1.fastq.gz'));
    const md5 = createHash('md5').update(bytes).digest('hex');
    const p = await prepareCreate(input({ aliases: ['f1'], submitted_file_name: 'runs/r1.fastq.gz' }), info('file'), options());
    expect(p.record).toMatchObject({ md5sum: md5, file_size: 100_000 });
    expect(p.keys).toEqual(['barbara-wold:f1', `md5:${md5}`]);
    const wrong = await prepareCreate(input({ aliases: ['f2'], submitted_file_name: 'runs/r1.fastq.gz', md5sum: 'a'.repeat(32) }), info('file'), options());
    expect(wrong.errors[0].message).toMatch(/does not match runs\/r1.fastq.gz/);
    const unreadable = await prepareCreate(input({ aliases: ['f3'], submitted_file_name: '/etc/hostname' }), info('file'), options());
    expect(unreadable.errors[0]).toMatchObject({ keys: ['submitted_file_name'], message: expect.stringMatching(/md5sum is missing and '\/etc\/hostname' is not a file under UPLOAD_ROOT/) });
    const answer = async (name: string) => (await prepareCreate(input({ aliases: ['f4'], submitted_file_name: name }), info('file'), options())).errors.map((e) => [e.type, e.message.replace(name, '<name>')]);
    expect(await answer('/etc/shadow')).toEqual(await answer('/nonexistent'));
  });
});

describe('preparePatch', () => {
  it('cleans and prefixes aliases but adds nothing else', async () => {
    const p = await preparePatch(input({ aliases: ['new/1'], description: 'x' }), info('biosample'), options());
    expect(p.record).toEqual({ aliases: ['barbara-wold:new_1'], description: 'x' });
    expect(p.errors).toEqual([]);
  });
});
