import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteJobStore } from '../../../src/jobs/sqlite-store';
import { jobStoreContract } from '../../support/job-store-contract';

/** The embedded job store: the JobStore contract across a close and reopen (a restarted gateway), and where it spools. */
describe('SqliteJobStore', () => {
  let dir: string;
  let store: SqliteJobStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-store-'));
    store = new SqliteJobStore(dir);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  jobStoreContract({
    store: () => store,
    again: async () => {
      await store.close();
      store = new SqliteJobStore(dir);
      return store;
    },
  });

  it('spools the input to DATA_DIR/inputs', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'key:a', input: '{"rows":[1,2]}', total: 2 });
    expect(fs.readFileSync(path.join(dir, 'inputs', `${job.id}.json`), 'utf8')).toBe('{"rows":[1,2]}');
    await store.release(job.id);
    expect(fs.existsSync(path.join(dir, 'inputs', `${job.id}.json`))).toBe(false);
  });
});
