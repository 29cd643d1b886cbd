import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localPath, readManifest, resumePath, writeResume } from '../../../src/cli/gdc/manifest';

describe('gdc upload manifests', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));

  it("reads GDC's manifest YAML and names what is wrong with a bad one", () => {
    const good = write('m.yml', 'files:\n- id: a-1\n  project_id: GDC-INTERNAL\n  file_name: r.fastq\n  md5sum: abc\n  file_size: 3\n');
    expect(readManifest(good)).toEqual([{ id: 'a-1', project_id: 'GDC-INTERNAL', file_name: 'r.fastq', md5sum: 'abc', file_size: 3 }]);
    expect(() => readManifest(write('n.yml', 'ids: [1]\n'))).toThrow(/a manifest has a "files:" list/);
    expect(() => readManifest(write('o.yml', 'files:\n- id: a\n- file_name: x\n'))).toThrow(/files\[1\] has no "id"/);
    expect(() => readManifest(write('p.yml', 'files: [\n'))).toThrow(/is not YAML/);
    expect(() => readManifest(path.join(dir, 'missing.yml'))).toThrow(/cannot be read/);
  });

  it("finds the bytes in gdc-client's order: --path/file_name, local_file_path, file_name", () => {
    fs.mkdirSync(path.join(dir, 'data'));
    const inDir = write('data/r.fastq', 'x');
    const local = write('elsewhere.fastq', 'x');
    expect(localPath({ id: 'a', file_name: 'r.fastq', local_file_path: local }, path.join(dir, 'data'))).toBe(inDir);
    expect(localPath({ id: 'a', file_name: 'r.fastq', local_file_path: local }, undefined)).toBe(local);
    expect(localPath({ id: 'a', file_name: inDir }, undefined)).toBe(inDir);
    expect(localPath({ id: 'a', file_name: 'nowhere.fastq' }, dir)).toBeNull();
    // A directory is not a file.
    expect(localPath({ id: 'a', local_file_path: path.join(dir, 'data') }, undefined)).toBeNull();
  });

  it('keeps what is left in resume_<manifest> beside it, a manifest itself, and removes it when nothing is', () => {
    const resume = resumePath(path.join(dir, 'batch.yml'));
    expect(resume).toBe(path.join(dir, 'resume_batch.yml'));
    writeResume(resume, [{ id: 'b-2', file_name: 'two.fastq' }]);
    expect(readManifest(resume)).toEqual([{ id: 'b-2', file_name: 'two.fastq' }]);
    writeResume(resume, []);
    expect(fs.existsSync(resume)).toBe(false);
  });
});
