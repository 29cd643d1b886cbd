import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteJobStore } from '../../../src/jobs/sqlite-store';
import { StoreJobReader } from '../../../src/jobs/reader';
import { turnsDuring } from '../../support/turns';

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

  it('creates a QUEUED job with its input spooled to DATA_DIR/inputs', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'key:a', input: '{"rows":[1,2]}', total: 2 });
    expect(job).toMatchObject({ kind: 'createEntities', state: 'QUEUED', owner: 'key:a', error: null, startedAt: null });
    expect(job.progress).toEqual({ total: 2, done: 0, succeeded: 0, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null });
    expect(fs.readFileSync(path.join(dir, 'inputs', `${job.id}.json`), 'utf8')).toBe('{"rows":[1,2]}');
    expect(await store.input(job.id)).toBe('{"rows":[1,2]}');
  });

  it('keeps outcomes and progress across a reopen (what a restarted gateway resumes from)', async () => {
    const job = await store.create({ kind: 'createEntities', owner: 'o', input: '{}', total: 3 });
    await store.update(job.id, { state: 'RUNNING', startedAt: '2026-01-01T00:00:00.000Z' });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '{"a":0}' }, { row: 1, ok: false, data: '{"a":1}' }], { done: 2, succeeded: 1, failed: 1 });
    await store.close();
    store = new SqliteJobStore(dir);
    expect(await store.lastRow(job.id)).toBe(1);
    expect((await store.get(job.id))!.progress).toMatchObject({ total: 3, done: 2, succeeded: 1, failed: 1 });
    expect((await store.inState('RUNNING')).map((j) => j.id)).toEqual([job.id]);
    expect(await store.outcomes(job.id, 0, 10)).toEqual([{ row: 1, ok: false, data: '{"a":1}' }]);
  });

  it('records the same row once when a resumed job reports it again', async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '"first"' }], { done: 1 });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '"again"' }], { done: 1 });
    expect(await store.outcomes(job.id, -1, 10)).toEqual([{ row: 0, ok: true, data: '"again"' }]);
  });

  it("writes a 1000-row slice in several transactions with turns between them, every row once, the progress with the last (synchronous FULL again after)", async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1000 });
    const outcomes = Array.from({ length: 1000 }, (_, row) => ({ row, ok: row % 7 !== 0, data: JSON.stringify({ row }) }));
    const { turns } = await turnsDuring(() => store.appendOutcomes(job.id, outcomes, { done: 1000, succeeded: 857, failed: 143 }));
    // 200 rows a transaction: 5 transactions, a turn after each but the last.
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(await store.outcomes(job.id, -1, 2000)).toEqual(outcomes);
    expect((await store.get(job.id))!.progress).toMatchObject({ done: 1000, succeeded: 857, failed: 143 });
    expect(store['db'].pragma('synchronous', { simple: true })).toBe(2); // FULL
  });

  it("lists only the owner's jobs, newest first, paged by id", async () => {
    const a1 = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    await store.create({ kind: 'k', owner: 'b', input: '{}', total: null });
    const a2 = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    const a3 = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    await store.update(a2.id, { state: 'SUCCEEDED' });
    const page1 = await store.list('a', null, 2, null);
    expect(page1.jobs.map((j) => j.id)).toEqual([a3.id, a2.id]);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await store.list('a', null, 2, a2.id);
    expect(page2.jobs.map((j) => j.id)).toEqual([a1.id]);
    expect(page2.hasNextPage).toBe(false);
    expect((await store.list('a', 'SUCCEEDED', 10, null)).jobs.map((j) => j.id)).toEqual([a2.id]);
    expect(await store.count('a', null)).toBe(3);
    expect(await store.count('a', 'SUCCEEDED')).toBe(1);
    expect(await store.count('b', 'SUCCEEDED')).toBe(0);
  });

  it('release drops input and credentials; sweep drops ended jobs past retention', async () => {
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    await store.setSealedCredentials(job.id, Buffer.from([1, 2, 3]));
    expect(await store.sealedCredentials(job.id)).toEqual(Buffer.from([1, 2, 3]));
    await store.update(job.id, { state: 'SUCCEEDED', finishedAt: '2026-01-01T00:00:00.000Z' });
    await store.appendOutcomes(job.id, [{ row: 0, ok: true, data: '1' }], {});
    await store.release(job.id);
    expect(await store.input(job.id)).toBeNull();
    expect(await store.sealedCredentials(job.id)).toBeNull();
    expect(await store.outcomes(job.id, -1, 10)).toHaveLength(1);
    const live = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    expect(await store.sweep(new Date('2026-01-02T00:00:00.000Z'))).toBe(1);
    expect(await store.get(job.id)).toBeNull();
    expect(await store.outcomes(job.id, -1, 10)).toEqual([]);
    expect(await store.get(live.id)).not.toBeNull();
  });

  it("StoreJobReader hides another owner's job", async () => {
    const job = await store.create({ kind: 'k', owner: 'a', input: '{}', total: null });
    const reader = new StoreJobReader(store);
    expect((await reader.get(job.id, 'a'))!.id).toBe(job.id);
    expect(await reader.get(job.id, 'b')).toBeNull();
  });
});
