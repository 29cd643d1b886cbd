import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateFile } from '../../../../src/sandbox/shared/state-file';

/** SANDBOX_DATA_DIR's snapshots: a write that dies half-way never costs the last good snapshot. */
describe('StateFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-file-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads nothing before the first write, then what was written', () => {
    let state = { n: 1 };
    const file = new StateFile(path.join(dir, 'sub', 'x.json'), () => state);
    expect(file.read()).toBeNull();
    file.changed();
    file.flush();
    state = { n: 2 };
    expect(new StateFile(file.file, () => null).read()).toEqual({ n: 1 });
    file.changed();
    file.flush();
    expect(new StateFile(file.file, () => null).read()).toEqual({ n: 2 });
  });

  it('a write that fails half-way leaves the previous snapshot whole', () => {
    let fail = false;
    const file = new StateFile(path.join(dir, 'x.json'), () => (fail ? { toJSON: () => { throw new Error('disk gone'); } } : { kept: true }));
    file.changed();
    file.flush();
    fail = true;
    file.changed();
    expect(() => file.flush()).toThrow('disk gone');
    expect(fs.readdirSync(dir)).toEqual(['x.json']);
    // A torn temporary file, as a crash during the write would leave it.
    fs.writeFileSync(`${file.file}.999.tmp`, '{"kept": tr');
    expect(new StateFile(file.file, () => null).read()).toEqual({ kept: true });
  });

  it('writes once for a burst of changes, after the requests', async () => {
    const dumps: number[] = [];
    const file = new StateFile(path.join(dir, 'x.json'), () => dumps.push(Date.now()));
    for (let i = 0; i < 50; i++) file.changed();
    await new Promise((r) => setTimeout(r, 400));
    expect(dumps).toHaveLength(1);
  });

  it('says which file to move away when it is not a snapshot', () => {
    fs.writeFileSync(path.join(dir, 'x.json'), 'not json');
    expect(() => new StateFile(path.join(dir, 'x.json'), () => null).read()).toThrow(/x\.json is not a sandbox snapshot .*move it away/);
  });
});
