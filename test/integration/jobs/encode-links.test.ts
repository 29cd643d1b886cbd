import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningGateway, startGateway } from '../../../src/gateway';
import { dataPath } from '../../../src/sandbox/shared/paths';
import { gqlAt, START_CREATE, waitForJob } from '../../support/jobs';
import { gatewayOptionsOn, ok, startStack, type Stack } from '../../support/stack';

const LAB = 'barbara-wold';
const ENTITY = `index row action valid type submitterId aliases errors { code type message upstreamMessage row column keys location } warnings`;
const CREATE = `mutation C($input: CreateEntitiesInput!) { createEntities(input: $input) { success createdCount updatedCount errorCount entities { ${ENTITY} } } }`;
const RESULT = `query J($id: ID!, $first: Int) { job(id: $id) { result(first: $first) { success createdCount updatedCount errorCount entities { ${ENTITY} } } } }`;

/**
 * Issue 16: an ENCODE createEntities job gives every record the outcome the synchronous mutation
 * gives it, although the job sends the records 25 at a time: links to records later in the input
 * (another slice), to records that failed in an earlier slice, in cycles, and aliases given twice
 * across slices.
 */
describe('ENCODE createEntities job: links between records of the batch', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ encodeProfiles: dataPath('encode', 'profiles') }, { encode: { award: 'ENCODE2', lab: LAB } });
  }, 60_000);
  afterAll(() => stack.stop());

  const countAliases = (prefix: string) =>
    stack.sandbox.encode!.emulator.portal.store.all().filter((i) => (i.properties.aliases ?? []).some((a: string) => a.startsWith(prefix))).length;

  /** 60 biosamples whose aliases start with `p`, linking to each other by `part_of`. */
  const batch = (p: string) =>
    Array.from({ length: 60 }, (_, i) => {
      const record: Record<string, unknown> = { aliases: [`${p}-${i}`], source: 'atcc', organism: 'human', biosample_ontology: 'cell_line_EFO_0001203', description: `sample ${i}` };
      if (i === 1) record.part_of = `${p}-40`; // forward, into a later slice
      if (i === 5) record.source = 'nowhere'; // refused by the portal: its dependents are not sent
      if (i === 50) record.part_of = `${p}-5`; // links to a record that failed in an earlier slice
      if (i === 55) record.part_of = `${p}-50`; // and to one skipped for that
      if (i === 45) record.aliases = [`${p}-45`, `${p}-3`]; // an alias of an earlier slice's record
      if (i === 57) record.part_of = `${p}-58`; // 57 and 58 link to each other; 59 to them
      if (i === 58) record.part_of = `${p}-57`;
      if (i === 59) record.part_of = `${p}-57`;
      return record;
    });

  let sync: any;
  it('gives every record the synchronous outcome, field by field, in input order', async () => {
    sync = ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities: batch('lnk-sync') } })).createEntities;
    const job = ok(await stack.gql(START_CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities: batch('lnk-job') } })).startCreateEntities;
    const done = await waitForJob(stack.gql, job.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: 60, done: 60, succeeded: sync.createdCount, failed: sync.errorCount } });
    const result = ok(await stack.gql(RESULT, { id: job.id, first: 100 })).job.result;

    // What the synchronous run itself gives (so the comparison below compares the right thing).
    const errorOf = (i: number) => sync.entities[i].errors.map((e: any) => [e.type, e.message]);
    expect(sync.entities[1]).toMatchObject({ action: 'create', valid: true, errors: [] });
    expect(errorOf(5)).toEqual([['INVALID_LINK', expect.stringContaining("'nowhere'")]]);
    expect(errorOf(50)).toEqual([['NOT_ATTEMPTED', 'Not sent: it links to record 5 of this batch, which was not written']]);
    expect(errorOf(55)).toEqual([['NOT_ATTEMPTED', 'Not sent: it links to record 50 of this batch, which was not written']]);
    expect(errorOf(45)).toEqual([['NOT_UNIQUE', `${LAB}:lnk-sync-3 is also given to record 3 of this batch`]]);
    for (const i of [57, 58, 59]) expect(errorOf(i)).toEqual([['NOT_ATTEMPTED', expect.stringMatching(/link back to it/)]]);
    expect(sync).toMatchObject({ createdCount: 53, errorCount: 7 });

    // The job's result is the synchronous one with the other aliases.
    const same = JSON.parse(JSON.stringify(result).replaceAll('lnk-job', 'lnk-sync'));
    expect(same.entities.map((e: any) => e.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    for (const [i, entity] of same.entities.entries()) expect([i, entity]).toEqual([i, sync.entities[i]]);
    expect({ ...same, entities: null }).toEqual({ ...sync, entities: null });
    expect(countAliases(`${LAB}:lnk-job-`)).toBe(countAliases(`${LAB}:lnk-sync-`));
    expect(countAliases(`${LAB}:lnk-job-`)).toBe(53);
  }, 120_000);

  it('checks a dry run as one batch, as createEntities does: links to records later in the input resolve', async () => {
    const dry = (p: string) => ({ source: 'ENCODE', profile: 'biosample', entities: batch(p), dryRun: true });
    const syncDry = ok(await stack.gql(CREATE, { input: dry('lnk-dry-s') })).createEntities;
    const job = ok(await stack.gql(START_CREATE, { input: dry('lnk-dry-j') })).startCreateEntities;
    expect(await waitForJob(stack.gql, job.id)).toMatchObject({ state: 'SUCCEEDED', progress: { total: 60, done: 60 } });
    const result = ok(await stack.gql(RESULT, { id: job.id, first: 100 })).job.result;
    expect(syncDry.entities[1]).toMatchObject({ valid: true, errors: [] });
    expect(syncDry.entities[5].errors[0].type).toBe('INVALID_LINK');
    const same = JSON.parse(JSON.stringify(result).replaceAll('lnk-dry-j', 'lnk-dry-s'));
    for (const [i, entity] of same.entities.entries()) expect([i, entity]).toEqual([i, syncDry.entities[i]]);
    expect(countAliases(`${LAB}:lnk-dry-`)).toBe(0);
  }, 120_000);

  it('stops the whole batch, as createEntities does, when the portal refuses the credentials mid-way: the rest reported not sent, none written', async () => {
    stack.sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/biosamples', latencyMs: 60 }]);
    try {
      const job = ok(await stack.gql(START_CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities: batch('lnk-stop') } })).startCreateEntities;
      await waitForJob(stack.gql, job.id, (j) => j.progress.done >= 25);
      stack.sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/biosamples', errorRate: 1, status: 401 }]);
      const done = await waitForJob(stack.gql, job.id);
      expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: 60, done: 60 } });
      const result = ok(await stack.gql(RESULT, { id: job.id, first: 100 })).job.result;
      expect(result.success).toBe(false);
      const entities = result.entities as any[];
      expect(entities.map((e) => e.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      const refused = entities.filter((e) => e.errors.some((x: any) => x.type === 'INVALID_PERMISSIONS'));
      expect(refused.length).toBeGreaterThanOrEqual(1);
      const stoppedAt = entities.flatMap((e) => e.errors.map((x: any) => /^Not sent: the batch stopped at record (\d+) \(/.exec(x.message)?.[1]).filter(Boolean));
      expect(stoppedAt.length).toBeGreaterThan(0);
      expect(new Set(stoppedAt).size).toBe(1);
      expect(refused.map((e) => String(e.index))).toContain(stoppedAt[0]);
      // Only what the job reports written is upstream; nothing was sent after the stop.
      const written = entities.filter((e) => e.valid).length;
      expect(written).toBeGreaterThanOrEqual(24);
      expect(countAliases(`${LAB}:lnk-stop-`)).toBe(written);
    } finally {
      stack.sandbox.encode!.emulator.faults.clear();
    }
  }, 120_000);

  it('gives the same outcomes when a restart interrupts it: what earlier slices settled is read back', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'encode-links-'));
    const sandbox = stack.sandbox;
    const encryptionKey = randomBytes(32);
    const gateways: RunningGateway[] = [];
    const start = async () => {
      const gw = await startGateway({
        ...gatewayOptionsOn(sandbox),
        encode: { award: 'ENCODE2', lab: LAB },
        jobs: { dataDir, retentionHours: 24, encryptionKey, maxRunning: 4, lockSeconds: 30 },
      });
      gateways.push(gw);
      return gqlAt(gw.graphqlUrl);
    };
    try {
      sandbox.encode!.emulator.faults.set([{ method: 'POST', path: '^/biosamples', latencyMs: 60 }]);
      const gql1 = await start();
      const job = ok(await gql1(START_CREATE, { input: { source: 'ENCODE', profile: 'biosample', entities: batch('lnk-rst') } })).startCreateEntities;
      // The first slice holds record 5 (refused); record 50, which links to it, comes after the restart.
      await waitForJob(gql1, job.id, (j) => j.progress.done >= 25);
      await gateways[0].stop(10_000);
      const stopped = countAliases(`${LAB}:lnk-rst-`);
      expect(stopped).toBeGreaterThanOrEqual(24);
      expect(stopped).toBeLessThan(53);
      sandbox.encode!.emulator.faults.clear();

      const gql2 = await start();
      const done = await waitForJob(gql2, job.id);
      expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { total: 60, done: 60 } });
      const result = ok(await gql2(RESULT, { id: job.id, first: 100 })).job.result;
      const same = JSON.parse(JSON.stringify(result).replaceAll('lnk-rst', 'lnk-sync'));
      // A record written before the stop and sent again after it is found by its alias: `exists`.
      const written = (e: any) => ({ ...e, action: e.action === 'exists' ? 'create' : e.action, warnings: [] });
      for (const [i, entity] of same.entities.entries()) expect([i, written(entity)]).toEqual([i, written(sync.entities[i])]);
      expect(same.errorCount).toBe(sync.errorCount);
      expect(countAliases(`${LAB}:lnk-rst-`)).toBe(53);
    } finally {
      sandbox.encode!.emulator.faults.clear();
      for (const gw of gateways) await gw.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
