import { dataPath } from '../../../src/sandbox/shared/paths';
import { allEntities, JOB_RESULT, START_CREATE, START_PATCH, waitForJob } from '../../support/jobs';
import { ok, startStack, type Stack } from '../../support/stack';

const LAB = 'barbara-wold';
const RECORD = `query R($id: ID!) { encodeRecord(id: $id) }`;

/** Issue 16: ENCODE createEntities and patchRecords as jobs, in slices through the mutations' service code. */
describe('ENCODE jobs', () => {
  let stack: Stack;
  const countAliases = (prefix: string) =>
    stack.sandbox.encode!.emulator.portal.store.all().filter((i) => (i.properties.aliases ?? []).some((a: string) => a.startsWith(prefix))).length;

  beforeAll(async () => {
    stack = await startStack({ encodeProfiles: dataPath('encode', 'profiles') }, { encode: { award: 'ENCODE2', lab: LAB } });
  }, 60_000);
  afterAll(() => stack.stop());

  const biosamples = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ aliases: [`job-bs-${i}`], source: 'atcc', organism: 'human', biosample_ontology: 'cell_line_EFO_0001203', description: `sample ${i}` }));

  it('creates 60 records in slices, each once, with the per-record results in input order', async () => {
    const job = ok(await stack.gql(START_CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities: biosamples(60) } })).startCreateEntities;
    const done = await waitForJob(stack.gql, job.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', error: null, progress: { total: 60, done: 60, succeeded: 60, failed: 0 } });
    const entities = await allEntities(stack.gql, job.id, 25);
    expect(entities.map((e: any) => [e.index, e.action, e.aliases])).toEqual(biosamples(60).map((_, i) => [i, 'create', [`${LAB}:job-bs-${i}`]]));
    const summary = ok(await stack.gql(JOB_RESULT, { id: job.id, first: 0 })).job.result;
    expect(summary).toMatchObject({ source: 'ENCODE', success: true, createdCount: 60, errorCount: 0, transactionId: null, entities: [] });
    expect(countAliases(`${LAB}:job-bs-`)).toBe(60);

    // What a resumed slice meets: the same records again are found by alias, not created twice.
    const again = ok(await stack.gql(START_CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities: biosamples(30) } })).startCreateEntities;
    await waitForJob(stack.gql, again.id);
    expect((await allEntities(stack.gql, again.id, 100)).map((e: any) => e.action)).toEqual(Array(30).fill('exists'));
    expect(countAliases(`${LAB}:job-bs-`)).toBe(60);
  });

  it('patches records named by record_id; a missing one fails its own row', async () => {
    const tsv = ['record_id\tdescription', ...Array.from({ length: 30 }, (_, i) => `${LAB}:job-bs-${i}\tpatched ${i}`), `${LAB}:no-such-sample\tx`].join('\n');
    const job = ok(await stack.gql(START_PATCH, { input: { source: 'ENCODE', document: tsv, profile: 'biosample' } })).startPatchRecords;
    expect(job.kind).toBe('patchRecords');
    const done = await waitForJob(stack.gql, job.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: 31, done: 31, succeeded: 30, failed: 1 } });
    const entities = await allEntities(stack.gql, job.id, 100);
    expect(entities.map((e: any) => e.row)).toEqual(Array.from({ length: 31 }, (_, i) => i + 2));
    expect(entities[30].errors[0].type).toBe('NOT_FOUND');
    expect(ok(await stack.gql(RECORD, { id: `${LAB}:job-bs-29` })).encodeRecord.description).toBe('patched 29');
  });

  it('stops a patch batch, as patchRecords does, when the portal refuses the credentials mid-way: records named by their input index, none sent after the stop', async () => {
    const RESULT = `query J($id: ID!) { job(id: $id) { result(first: 100) { success entities { index valid errors { type message } } } } }`;
    const tsv = ['record_id\tdescription', ...Array.from({ length: 60 }, (_, i) => `${LAB}:job-bs-${i}\tstopped ${i}`)].join('\n');
    const faults = stack.sandbox.encode!.emulator.faults;
    faults.set([{ method: 'PATCH', path: '^/', latencyMs: 40 }]);
    try {
      const job = ok(await stack.gql(START_PATCH, { input: { source: 'ENCODE', document: tsv, profile: 'biosample' } })).startPatchRecords;
      // Past the first slice (25 records), so the stop falls in a later one.
      await waitForJob(stack.gql, job.id, (j) => j.progress.done >= 25);
      faults.set([{ method: 'PATCH', path: '^/', errorRate: 1, status: 401 }]);
      expect(await waitForJob(stack.gql, job.id)).toMatchObject({ state: 'SUCCEEDED', progress: { total: 60, done: 60 } });
      const result = ok(await stack.gql(RESULT, { id: job.id })).job.result;
      expect(result.success).toBe(false);
      const entities = result.entities as any[];
      expect(entities.map((e) => e.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      const refused = entities.filter((e) => e.errors.some((x: any) => x.type === 'INVALID_PERMISSIONS')).map((e) => e.index);
      const stoppedAt = entities.flatMap((e) => e.errors.map((x: any) => /^Not sent: the batch stopped at record (\d+) \(/.exec(x.message)?.[1]).filter(Boolean)).map(Number);
      expect(refused.length).toBeGreaterThan(0);
      expect(stoppedAt.length).toBeGreaterThan(0);
      // One stop, named by the index of the refused record in the whole batch, not within its slice.
      expect(new Set(stoppedAt).size).toBe(1);
      expect(refused).toContain(stoppedAt[0]);
      expect(stoppedAt[0]).toBeGreaterThanOrEqual(25);
      // Every record after the stopped slice is reported not sent, and none of them was patched.
      const lastSlice = Math.floor(stoppedAt[0] / 25) * 25 + 25;
      for (const e of entities.filter((x) => x.index >= lastSlice)) expect(e.errors.map((x: any) => x.type)).toEqual(['NOT_ATTEMPTED']);
      for (const e of entities) {
        const description = ok(await stack.gql(RECORD, { id: `${LAB}:job-bs-${e.index}` })).encodeRecord.description;
        expect([e.index, description === `stopped ${e.index}`]).toEqual([e.index, e.valid]);
      }
    } finally {
      faults.clear();
    }
  }, 120_000);

  it('refuses a profile the portal has not (or an abstract one) at once, as createEntities does, and makes no job', async () => {
    const jobs = async () => ok(await stack.gql('{ jobs { totalCount } }')).jobs.totalCount;
    const before = await jobs();
    for (const [profile, message] of [
      ['no_such_profile', "The ENCODE portal has no profile 'no_such_profile'"],
      ['dataset', "'dataset' is an abstract profile; register records of one of its types:"],
    ]) {
      const res = await stack.gql(START_CREATE, { input: { source: 'ENCODE', profile, entities: biosamples(1) } });
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT', argument: 'profile' } });
    }
    expect(await jobs()).toBe(before);
  });
});
