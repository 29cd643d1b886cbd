import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobResultPage } from '../../../src/jobs/result';
import { SqliteJobStore } from '../../../src/jobs/sqlite-store';

describe('jobResultPage', () => {
  let dir: string;
  let store: SqliteJobStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-result-'));
    store = new SqliteJobStore(dir);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entity = (index: number) => ({ index, row: null, action: 'create', valid: true, id: `id-${index}`, type: 'case', submitterId: `C${index}`, aliases: [], uniqueKeys: [], relatedCases: [], errors: [], warnings: [] });

  it('is null before the first outcomes, then the summary with entities after `after`, in input order', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'o', input: '{}', total: 5 });
    expect(await jobResultPage(store, job.id, 10, null)).toBeNull();
    const summary = { source: 'GDC', success: true, createdCount: 5, chunks: [] };
    // Recorded out of input order (parents-first chunks), read back in input order.
    await store.appendOutcomes(job.id, [3, 4].map((i) => ({ row: i, ok: true, data: JSON.stringify(entity(i)) })), { done: 2 });
    await store.appendOutcomes(job.id, [0, 1, 2].map((i) => ({ row: i, ok: true, data: JSON.stringify(entity(i)) })), { done: 5 }, JSON.stringify(summary));
    const first = await jobResultPage(store, job.id, 2, null);
    expect(first).toMatchObject({ ...summary, entities: [entity(0), entity(1)] });
    expect((await jobResultPage(store, job.id, 2, '1'))!.entities.map((e) => e.index)).toEqual([2, 3]);
    expect((await jobResultPage(store, job.id, 2, '3'))!.entities.map((e) => e.index)).toEqual([4]);
    expect((await jobResultPage(store, job.id, 0, null))!.entities).toEqual([]);
  });

  it('refuses a page size or cursor it cannot honour, naming the argument', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'o', input: '{}', total: 1 });
    await expect(jobResultPage(store, job.id, 1001, null)).rejects.toMatchObject({ message: 'first must be between 0 and 1000, got 1001', extensions: { code: 'BAD_USER_INPUT' } });
    await expect(jobResultPage(store, job.id, 10, 'abc')).rejects.toMatchObject({ message: "after must be the index of an entity (a whole number), got 'abc'", extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  });
});
