import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteJobStore } from '../../../src/jobs/sqlite-store';
import { jobStoreContract } from '../../support/job-store-contract';
import { turnsDuring } from '../../support/turns';

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

  it('writes a 1000-row slice in several transactions with turns between them, every row once, the progress with the last (synchronous FULL again after)', async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1000 });
    const outcomes = Array.from({ length: 1000 }, (_, row) => ({ row, ok: row % 7 !== 0, data: JSON.stringify({ row }) }));
    const { turns } = await turnsDuring(() => store.appendOutcomes(job.id, outcomes, { done: 1000, succeeded: 857, failed: 143 }));
    // 200 rows a transaction: 5 transactions, a turn after each but the last (one transaction gave none).
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(await store.outcomes(job.id, -1, 2000)).toEqual(outcomes);
    expect((await store.get(job.id))!.progress).toMatchObject({ done: 1000, succeeded: 857, failed: 143 });
    expect(store['db'].pragma('synchronous', { simple: true })).toBe(2); // FULL
  });
});
