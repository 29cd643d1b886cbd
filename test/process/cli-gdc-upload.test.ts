import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CREATE, docs, readGroupChain } from '../support/gdc';
import { runCli, uploadSlotRefusals } from '../support/cli';
import { ok, startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

describe('submission-gateway gdc upload (a real child process against a gateway on the sandbox)', () => {
  let stack: Stack;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    stack = await startStack();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-gdc-upload-'));
    const r = ok(
      await stack.gql(CREATE, {
        input: { source: 'GDC', project: 'GDC-INTERNAL', entities: readGroupChain('CU') },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Registers `count` data files with these bytes' md5 and size, writes the bytes under files/, and returns ids and names. */
  async function register(count: number, size = 64 * 1024): Promise<{ id: string; name: string; bytes: Buffer }[]> {
    const files = Array.from({ length: count }, () => ({ name: `reads-${++n}.fastq`, bytes: randomBytes(size) }));
    const r = ok(
      await stack.gql(CREATE, {
        input: { source: 'GDC', project: 'GDC-INTERNAL', entities: files.map((f) => docs.unalignedReads(`CU-FILE-${f.name}`, 'CU-RG', { name: f.name, size: f.bytes.length, md5: md5(f.bytes) })) },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
    return files.map((f, i) => ({ ...f, id: r.entities[i].id as string }));
  }
  /** The manifest the gateway's gdcManifest writes for them (GDC's /manifest), saved as the user would. */
  async function manifest(name: string, ids: string[]): Promise<string> {
    const yml = ok(await stack.gql<{ gdcManifest: string }>('query($ids: [ID!]!) { gdcManifest(project: "GDC-INTERNAL", ids: $ids) }', { ids })).gdcManifest;
    fs.writeFileSync(path.join(dir, name), yml);
    return name;
  }
  const stored = (id: string) => stack.sandbox.gdc!.emulator.files.stored(id);
  const fileState = async (id: string) =>
    ok(await stack.gql<{ gdcEntities: { properties: { file_state: string } }[] }>('query($ids: [ID!]!) { gdcEntities(project: "GDC-INTERNAL", ids: $ids) }', { ids: [id] })).gdcEntities[0].properties.file_state;

  it('uploads every file of a gdcManifest manifest (-m, --path, -n, -t), one line each, and logs them to --log-file', async () => {
    const files = await register(3);
    for (const f of files) fs.writeFileSync(path.join(dir, 'files', f.name), f.bytes);
    const m = await manifest('manifest.yml', files.map((f) => f.id));
    fs.writeFileSync(path.join(dir, 'token.txt'), `${stack.sandbox.gdc!.token}\n`);
    const run = await runCli(['gdc', 'upload', '-m', m, '--path', 'files', '-n', '2', '-t', 'token.txt', '--log-file', 'upload.log', '--gateway', stack.gateway.graphqlUrl], dir);
    expect([run.code, run.stderr]).toEqual([0, '']);
    for (const f of files) {
      expect(run.stdout).toMatch(new RegExp(`^${f.id}\\t${f.name}\\tuploaded: Uploaded ${f.bytes.length} bytes in one PUT; md5 and size match the entity\\.$`, 'm'));
      expect(stored(f.id)).toMatchObject({ size: f.bytes.length, md5: md5(f.bytes) });
      expect(await fileState(f.id)).toBe('uploaded');
    }
    expect(run.stdout).toMatch(/^3 of 3 file\(s\) uploaded$/m);
    const log = fs.readFileSync(path.join(dir, 'upload.log'), 'utf8');
    expect(log.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z: INFO: [0-9a-f-]{36}\treads-\d+\.fastq\tuploaded: /.test(l))).toHaveLength(3);
    // Everything was done: no resume file is left behind.
    expect(fs.existsSync(path.join(dir, 'resume_manifest.yml'))).toBe(false);
  });

  it('resumes an interrupted run: what failed is kept in resume_<manifest>, and the same command again uploads only that', async () => {
    const files = await register(3);
    // The third file is not there yet: the run uploads two and says which one failed.
    for (const f of files.slice(0, 2)) fs.writeFileSync(path.join(dir, 'files', f.name), f.bytes);
    const m = await manifest('batch.yml', files.map((f) => f.id));
    const args = ['gdc', 'upload', '-m', m, '-f', 'files', '--gateway', stack.gateway.graphqlUrl];
    const first = await runCli(args, dir);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(new RegExp(`^${files[2].id}\\t${files[2].name}\\tFAILED: no local file \\(looked for files/${files[2].name}`, 'm'));
    expect(first.stdout).toMatch(/^2 of 3 file\(s\) uploaded, 1 failed: run the same command again to resume \(resume_batch\.yml\)$/m);
    expect(fs.readFileSync(path.join(dir, 'resume_batch.yml'), 'utf8')).toContain(files[2].id);

    fs.writeFileSync(path.join(dir, 'files', files[2].name), files[2].bytes);
    const second = await runCli(args, dir);
    expect([second.code, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toMatch(/^Resuming from resume_batch\.yml: 2 of 3 file\(s\) were uploaded before$/m);
    // Only the one left is sent: the two done are not tried again (GDC would refuse them as uploaded).
    expect(second.stdout.match(/\tuploaded: /g)).toHaveLength(1);
    expect(second.stdout).toMatch(/^1 of 1 file\(s\) uploaded$/m);
    expect(stored(files[2].id)).toMatchObject({ size: files[2].bytes.length, md5: md5(files[2].bytes) });
    expect(fs.existsSync(path.join(dir, 'resume_batch.yml'))).toBe(false);
  });

  it('a file whose upload landed but whose answer was lost is not sent again on the resumed run: already uploaded', async () => {
    const files = await register(2);
    for (const f of files) fs.writeFileSync(path.join(dir, 'files', f.name), f.bytes);
    const m = await manifest('lost.yml', files.map((f) => f.id));
    const args = ['gdc', 'upload', '-m', m, '-f', 'files', '--gateway', stack.gateway.graphqlUrl];
    // GDC stores the second file's bytes, then the connection drops before it answers.
    stack.sandbox.gdc!.emulator.faults.set([{ method: 'PUT', path: `/files/${files[1].id}$`, dropResponse: true }]);
    const first = await runCli(args, dir);
    stack.sandbox.gdc!.emulator.faults.clear();
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(new RegExp(`^${files[1].id}\\t${files[1].name}\\tFAILED: `, 'm'));
    expect(stored(files[1].id)).toMatchObject({ size: files[1].bytes.length, md5: md5(files[1].bytes) });

    const second = await runCli(args, dir);
    expect([second.code, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toMatch(/^Resuming from resume_lost\.yml: 1 of 2 file\(s\) were uploaded before$/m);
    expect(second.stdout).toMatch(new RegExp(`^${files[1].id}\\t${files[1].name}\\talready uploaded \\(file_state uploaded\\): nothing sent$`, 'm'));
    expect(fs.existsSync(path.join(dir, 'resume_lost.yml'))).toBe(false);
  });

  it('uploads file ids given with -p (file_name read from GDC, as gdc-client does); --delete removes the bytes (file_state registered again)', async () => {
    const [f] = await register(1);
    fs.writeFileSync(path.join(dir, f.name), f.bytes);
    const up = await runCli(['gdc', 'upload', '-p', 'GDC-INTERNAL', f.id, '--gateway', stack.gateway.graphqlUrl], dir);
    expect([up.code, up.stderr]).toEqual([0, '']);
    expect(up.stdout).toMatch(new RegExp(`^${f.id}\\t${f.name}\\tuploaded: `, 'm'));
    expect(await fileState(f.id)).toBe('uploaded');
    const del = await runCli(['gdc', 'upload', '--delete', '-p', 'GDC-INTERNAL', f.id, '--gateway', stack.gateway.graphqlUrl], dir);
    expect([del.code, del.stderr]).toEqual([0, '']);
    expect(del.stdout).toMatch(new RegExp(`^${f.id}\\t${f.id}\\tdeleted: .*\\(file_state registered\\)$`, 'm'));
    expect(await fileState(f.id)).toBe('registered');
    expect(stored(f.id)).toBeFalsy();
  });

  it('--part-size cuts the multipart upload; an upload whose parts all fail stops (exit 1) and --abort drops it', async () => {
    const MiB = 1024 * 1024;
    const [big] = await register(1, 12 * MiB);
    fs.writeFileSync(path.join(dir, big.name), big.bytes);
    const gateway = ['--gateway', stack.gateway.graphqlUrl];
    // Above the gateway's UPLOAD_PART_BYTES (8 MiB here): refused, naming the bounds.
    const over = await runCli(['gdc', 'upload', '-p', 'GDC-INTERNAL', big.id, '--part-size', String(9 * MiB), ...gateway], dir);
    expect(over.code).toBe(1);
    expect(over.stdout).toMatch(/FAILED: partBytes must be a whole number of bytes from 5242880 \(5 MiB, S3's least\) to 8388608 \(UPLOAD_PART_BYTES\) \(BAD_USER_INPUT\)/);

    stack.sandbox.gdc!.emulator.faults.set([{ method: 'PUT', path: `/files/${big.id}$`, errorRate: 1, status: 503 }]);
    const stopped = await runCli(['gdc', 'upload', '-p', 'GDC-INTERNAL', big.id, '-c', String(5 * MiB), ...gateway], dir);
    stack.sandbox.gdc!.emulator.faults.clear();
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toMatch(/FAILED: Part \d failed after 4 tries: .*0 part\(s\) of 3 are uploaded/);
    const aborted = await runCli(['gdc', 'upload', '--abort', '-p', 'GDC-INTERNAL', big.id, ...gateway], dir);
    expect([aborted.code, aborted.stderr]).toEqual([0, '']);
    expect(aborted.stdout).toMatch(new RegExp(`^${big.id}\\t${big.id}\\taborted: Aborted the multipart upload \\S+ of ${big.id}`, 'm'));
    const again = await runCli(['gdc', 'upload', '--abort', '-p', 'GDC-INTERNAL', big.id, ...gateway], dir);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/FAILED: No unfinished upload of .* is known to this gateway: nothing to abort/);

    const done = await runCli(['gdc', 'upload', '-p', 'GDC-INTERNAL', big.id, '--part-size', String(5 * MiB), ...gateway], dir);
    expect([done.code, done.stderr]).toEqual([0, '']);
    expect(done.stdout).toMatch(/uploaded: Uploaded 12582912 bytes in 3 parts; md5 and size match the entity\./);
    expect(stored(big.id)).toMatchObject({ size: big.bytes.length, md5: md5(big.bytes) });
  }, 180_000); // five CLI processes, one with every part tried four times: over 60 s on a busy machine

  it('says once what stops the whole run and exits 2: a bad manifest, no manifest nor ids, an unreachable gateway', async () => {
    fs.writeFileSync(path.join(dir, 'bad.yml'), 'files:\n  - file_name: x.fastq\n');
    const bad = await runCli(['gdc', 'upload', '-m', 'bad.yml', '--gateway', stack.gateway.graphqlUrl], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('submission-gateway: -m bad.yml: files[0] has no "id" (the data file entity\'s UUID)');
    const none = await runCli(['gdc', 'upload', '--gateway', stack.gateway.graphqlUrl], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give -m manifest\.yml/);
    const [f] = await register(1);
    fs.writeFileSync(path.join(dir, f.name), f.bytes);
    const away = await runCli(['gdc', 'upload', '-p', 'GDC-INTERNAL', f.id, '--gateway', 'http://127.0.0.1:9/graphql'], dir);
    expect(away.code).toBe(2);
    expect(away.stderr.trim().split('\n')).toHaveLength(1);
    expect(away.stderr).toMatch(/could not be reached/);
  });

  it('--version', async () => {
    const run = await runCli(['gdc', 'upload', '--version'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('submission-gateway gdc upload against a gateway taking one upload at a time (MAX_CONCURRENT_UPLOADS=1)', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack({}, { uploads: { partBytes: 5 * 1024 * 1024, maxConcurrent: 1 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-gdc-upload-busy-'));
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const refusals = () => uploadSlotRefusals(stack.gateway.graphqlUrl);

  it('-n 4: the uploads the gateway refuses while busy are sent again, and every file is uploaded once a slot is free', async () => {
    const files = Array.from({ length: 4 }, (_, i) => ({ name: `busy-${i}.fastq`, bytes: randomBytes(2 * 1024 * 1024 + i) }));
    const r = ok(
      await stack.gql(CREATE, {
        input: {
          source: 'GDC',
          project: 'GDC-INTERNAL',
          entities: [
            ...readGroupChain('CB'),
            ...files.map((f) => docs.unalignedReads(`CB-FILE-${f.name}`, 'CB-RG', { name: f.name, size: f.bytes.length, md5: md5(f.bytes) })),
          ],
        },
      }),
    ).createEntities as { success: boolean; entities: { id: string }[] };
    if (!r.success) throw new Error(JSON.stringify(r));
    const ids = r.entities.slice(-files.length).map((e) => e.id);
    for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.bytes);
    const yml = ok(await stack.gql<{ gdcManifest: string }>('query($ids: [ID!]!) { gdcManifest(project: "GDC-INTERNAL", ids: $ids) }', { ids })).gdcManifest;
    fs.writeFileSync(path.join(dir, 'manifest.yml'), yml);
    fs.writeFileSync(path.join(dir, 'token.txt'), `${stack.sandbox.gdc!.token}\n`);
    const before = await refusals();
    const run = await runCli(['gdc', 'upload', '-m', 'manifest.yml', '-n', '4', '-t', 'token.txt', '--gateway', stack.gateway.graphqlUrl], dir);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(await refusals()).toBeGreaterThan(before);
    files.forEach((f, i) => expect(stack.sandbox.gdc!.emulator.files.stored(ids[i])).toMatchObject({ size: f.bytes.length, md5: md5(f.bytes) }));
    expect(run.stdout).toMatch(/^4 of 4 file\(s\) uploaded$/m);
    expect(run.stdout.split('\n').filter((l) => /\tuploaded: /.test(l))).toHaveLength(4);
  }, 120_000);
});
