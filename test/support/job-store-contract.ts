import type { JobStore } from '../../src/jobs/store';
import { StoreJobReader } from '../../src/jobs/reader';

/** How a JobStore implementation is opened for the contract: on clean state before each test. */
export interface JobStoreUnderTest {
  /** The store the test writes through. */
  store(): JobStore;
  /**
   * The same state seen again: the embedded store closed and reopened (a restarted gateway), the
   * Redis store opened by another instance (another disk).
   */
  again(): Promise<JobStore>;
}

/**
 * What every JobStore holds to, whichever engine keeps it (SQLite embedded, Redis shared): the
 * runner, the reader and the resolvers rely on exactly this. Each implementation's own test adds
 * what only it does (where the input is spooled, key expiry, documents moving between instances).
 */
export function jobStoreContract(t: JobStoreUnderTest): void {
  it('creates a QUEUED job whose input is read again', async () => {
    const job = await t.store().create({ kind: 'createEntities', owner: 'key:a', input: '{"rows":[1,2]}', total: 2 });
    expect(job).toMatchObject({ kind: 'createEntities', state: 'QUEUED', owner: 'key:a', error: null, startedAt: null, finishedAt: null });
    expect(job.progress).toEqual({ total: 2, done: 0, succeeded: 0, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null });
    const again = await t.again();
    expect(await again.input(job.id)).toBe('{"rows":[1,2]}');
    expect(await again.get(job.id)).toEqual(job);
  });

  it('keeps outcomes, progress and summary for a resume to start from', async () => {
    const job = await t.store().create({ kind: 'createEntities', owner: 'o', input: '{}', total: 3 });
    await t.store().update(job.id, { state: 'RUNNING', startedAt: '2026-01-01T00:00:00.000Z' });
    await t.store().appendOutcomes(job.id, [{ row: 0, ok: true, data: '{"a":0}' }, { row: 1, ok: false, data: '{"a":1}' }], { done: 2, succeeded: 1, failed: 1 }, '{"s":1}');
    const again = await t.again();
    expect(await again.lastRow(job.id)).toBe(1);
    expect((await again.get(job.id))!.progress).toMatchObject({ total: 3, done: 2, succeeded: 1, failed: 1 });
    expect(await again.summary(job.id)).toBe('{"s":1}');
    expect((await again.inState('RUNNING')).map((j) => j.id)).toEqual([job.id]);
    expect(await again.inState('QUEUED')).toEqual([]);
    expect(await again.outcomes(job.id, 0, 10)).toEqual([{ row: 1, ok: false, data: '{"a":1}' }]);
    expect(await again.outcomes(job.id, -1, 1)).toEqual([{ row: 0, ok: true, data: '{"a":0}' }]);
  });

  it('records the same row once when a resumed job reports it again', async () => {
    const job = await t.store().create({ kind: 'k', owner: 'o', input: '{}', total: 1 });
    await t.store().appendOutcomes(job.id, [{ row: 0, ok: true, data: '"first"' }], { done: 1 });
    await t.store().appendOutcomes(job.id, [{ row: 0, ok: true, data: '"again"' }], { done: 1 });
    expect(await t.store().outcomes(job.id, -1, 10)).toEqual([{ row: 0, ok: true, data: '"again"' }]);
    expect(await t.store().lastRow(job.id)).toBe(0);
  });

  it('a patch changes only what it names; null clears; an unknown job is an error', async () => {
    const store = t.store();
    const job = await store.create({ kind: 'k', owner: 'o', input: '{}', total: 4 });
    await store.update(job.id, { state: 'RUNNING', progress: { message: 'waiting', done: 1 } });
    const next = await store.update(job.id, { progress: { message: null }, error: 'x' });
    expect(next).toMatchObject({ state: 'RUNNING', error: 'x', progress: { total: 4, done: 1, message: null } });
    expect((await store.update(job.id, { error: null })).error).toBeNull();
    await expect(store.update('no-such-job', { state: 'RUNNING' })).rejects.toThrow(/not in the store/);
    await expect(store.appendOutcomes('no-such-job', [], { done: 1 })).rejects.toThrow(/not in the store/);
  });

  it("lists only the owner's jobs, newest first, paged by id", async () => {
    const store = t.store();
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

  it('release drops input and credentials and keeps outcomes; sweep drops ended jobs past the cut', async () => {
    const store = t.store();
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
    expect(await store.count('o', null)).toBe(1);
  });

  it("StoreJobReader hides another owner's job", async () => {
    const job = await t.store().create({ kind: 'k', owner: 'a', input: '{}', total: null });
    const reader = new StoreJobReader(t.store());
    expect((await reader.get(job.id, 'a'))!.id).toBe(job.id);
    expect(await reader.get(job.id, 'b')).toBeNull();
  });
}
