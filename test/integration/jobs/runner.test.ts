import { caseOf, GDC_RESULT } from '../../support/gdc';
import { allEntities, CANCEL, JOB, JOB_RESULT, JOBS, START_CREATE, waitForJob } from '../../support/jobs';
import { ok, startStack, type Stack } from '../../support/stack';

/** Issue 16: createEntities as a job runs the synchronous mutation's chunks and records every row's outcome. */
describe('GDC jobs', () => {
  let stack: Stack;
  const OTHER = { 'x-auth-token': 'another-wrangler' };

  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(() => stack.stop());
  afterEach(() => stack.sandbox.gdc!.emulator.faults.clear());

  /** Each submitter_id with `prefix`, how many times GDC holds it. */
  const held = (prefix: string) => {
    const counts = new Map<string, number>();
    for (const node of stack.sandbox.gdc!.emulator.service.store.ofType('case')) {
      const id = String(node.props.submitter_id);
      if (id.startsWith(prefix)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };
  const cases = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => caseOf(`${prefix}-${String(i).padStart(3, '0')}`));
  const start = async (input: Record<string, unknown>, headers: Record<string, string> = {}) =>
    ok(await stack.gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ...input } }, headers)).startCreateEntities;

  it('answers at once, runs in chunks, and pages the same SubmissionResult the mutation returns', async () => {
    const job = await start({ entities: cases('JOB-A', 25), chunkSize: 10 });
    expect(job).toMatchObject({ kind: 'createEntities', state: 'QUEUED', error: null, finishedAt: null });
    const done = await waitForJob(stack.gql, job.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { total: 25, done: 25, succeeded: 25, failed: 0, etaSeconds: null } });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    const page = ok(await stack.gql(JOB_RESULT, { id: job.id, first: 3 })).job.result;
    expect(page).toMatchObject({ source: 'GDC', success: true, createdCount: 25, updatedCount: 0, errorCount: 0, transactionId: null });
    expect(page.message).toMatch(/^Transaction successful: 3 chunk\(s\) of at most 10 entities/);
    expect(page.chunks.map((c: any) => [c.index, c.success, c.firstIndex, c.count])).toEqual([[0, true, 0, 10], [1, true, 10, 10], [2, true, 20, 5]]);
    expect(page.entities.map((e: any) => e.index)).toEqual([0, 1, 2]);
    const entities = await allEntities(stack.gql, job.id);
    expect(entities.map((e: any) => e.index)).toEqual([...Array(25).keys()]);
    expect(entities.every((e: any) => e.action === 'create' && e.id && e.submitterId.startsWith('JOB-A-'))).toBe(true);
    expect([...held('JOB-A').values()]).toEqual(Array(25).fill(1));
    // The synchronous mutation on the same kind of input reports the same per-entity shape.
    const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${GDC_RESULT} entities { aliases } } }`;
    const sync = ok(await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: cases('JOB-S', 3), chunkSize: 10 } })).createEntities;
    expect(Object.keys(sync.entities[0]).sort()).toEqual(Object.keys(entities[0]).sort());
    const comparable = (e: any) => ({ ...e, index: undefined, id: undefined, submitterId: undefined, relatedCases: undefined, uniqueKeys: undefined });
    expect(comparable(sync.entities[0])).toEqual(comparable(entities[0]));
  });

  it('is NOT_FOUND to another caller: read, cancel, list', async () => {
    const job = await start({ entities: cases('JOB-B', 2) });
    await waitForJob(stack.gql, job.id);
    const read = await stack.gql(JOB, { id: job.id }, OTHER);
    expect(read.data.job).toBeNull();
    const cancel = await stack.gql(CANCEL, { id: job.id }, OTHER);
    expect(cancel.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(ok(await stack.gql(JOBS, {}, OTHER)).jobs).toMatchObject({ totalCount: 0, edges: [] });
    const mine = ok(await stack.gql(JOBS, { state: 'SUCCEEDED', first: 1 })).jobs;
    expect(mine.edges[0].node.id).toBe(job.id); // newest first
    expect(mine.totalCount).toBeGreaterThanOrEqual(2);
    expect(mine.pageInfo.hasNextPage).toBe(true);
    const next = ok(await stack.gql(JOBS, { state: 'SUCCEEDED', first: 1, after: mine.pageInfo.endCursor })).jobs;
    expect(next.edges[0].node.id).not.toBe(job.id);
  });

  it('cancel stops between chunks and reports what was done', async () => {
    stack.sandbox.gdc!.emulator.faults.set([{ method: 'POST', path: '^/v0/submission/GDC/INTERNAL$', latencyMs: 150 }]);
    const job = await start({ entities: cases('JOB-C', 40), chunkSize: 4 });
    await waitForJob(stack.gql, job.id, (j) => j.progress.done >= 8);
    const cancelled = ok(await stack.gql(CANCEL, { id: job.id })).cancelJob;
    expect(cancelled.state).toBe('CANCELLED');
    expect(cancelled.progress.done).toBeLessThan(40);
    expect(cancelled.progress.done % 4).toBe(0);
    expect(cancelled.progress.message).toBe(`Cancelled after ${cancelled.progress.done} of 40 entities sent: ${cancelled.progress.done} created, 0 updated, 0 with errors. Nothing more was sent.`);
    await new Promise((r) => setTimeout(r, 400)); // nothing more lands after the answer
    expect(held('JOB-C').size).toBe(cancelled.progress.done);
    expect((await allEntities(stack.gql, job.id, 100)).length).toBe(cancelled.progress.done);
    // Cancelling again answers the job as it is.
    expect(ok(await stack.gql(CANCEL, { id: job.id })).cancelJob.state).toBe('CANCELLED');
  });

  it('checks its input as the mutation does, before any job exists', async () => {
    const before = ok(await stack.gql(JOBS, {})).jobs.totalCount;
    const bad = await stack.gql(START_CREATE, { input: { source: 'GDC', entities: cases('JOB-D', 1) } });
    expect(bad.errors?.[0]).toMatchObject({ message: 'project is required for GDC (PROGRAM-PROJECT)', extensions: { code: 'BAD_USER_INPUT' } });
    const chunk = await stack.gql(START_CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: cases('JOB-D', 1), chunkSize: 0 } });
    expect(chunk.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(ok(await stack.gql(JOBS, {})).jobs.totalCount).toBe(before);
  });

  it('a chunk GDC refuses stops the job as FAILED, with the refusal in the result', async () => {
    const input = cases('JOB-E', 6);
    delete (input[4] as Record<string, unknown>).disease_type;
    const job = await start({ entities: input, chunkSize: 2 });
    const done = await waitForJob(stack.gql, job.id);
    expect(done.state).toBe('FAILED');
    expect(done.error).toMatch(/^Chunk 3 of 3 failed/);
    expect(done.progress).toMatchObject({ total: 6, done: 6, succeeded: 4 });
    const entities = await allEntities(stack.gql, job.id);
    expect(entities[4].errors.length).toBeGreaterThan(0);
  });
});
