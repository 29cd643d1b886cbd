import { dataPath } from '../../../src/sandbox/shared/paths';
import { ok, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';

/**
 * Lost answers to ENCODE writes (issue 7 §5): the sandbox's fault switch commits and drops the
 * answer, resets the connection before handling, hangs, or fails with 5xx. The gateway looks the
 * record up by alias or md5 before it says anything; a re-run after any fault ends with every
 * record registered exactly once.
 */
const CREATE = `mutation Create($input: CreateEntitiesInput!) { createEntities(input: $input) { ${SUBMISSION_RESULT} } }`;
const PATCH = `mutation Patch($input: PatchRecordInput!) { patchRecord(input: $input) { ${SUBMISSION_RESULT} } }`;
const LAB = 'barbara-wold';
const TIMEOUT_MS = 800;

describe('ENCODE writes whose answer is lost', () => {
  let stack: Stack;
  const faults = () => stack.sandbox.encode!.emulator.faults;
  const create = async (input: object) =>
    ok(await stack.gql(CREATE, { input: { source: 'ENCODE', profile: 'biosample', award: 'ENCODE2', lab: LAB, ...input } })).createEntities;
  const sample = (alias: string | null, extra: object = {}) => ({
    ...(alias ? { aliases: [alias] } : {}),
    source: 'atcc',
    organism: 'human',
    biosample_ontology: 'cell_line_EFO_0001203',
    ...extra,
  });
  /** Records upstream holding this alias (or, for records without one, this description). */
  const upstream = (alias: string) =>
    stack.sandbox.encode!.emulator.portal.store.all().filter((i) => (i.properties.aliases ?? []).includes(`${LAB}:${alias}`) || i.properties.description === alias).length;

  beforeAll(async () => {
    stack = await startStack({ encodeProfiles: dataPath('encode', 'profiles') }, { upstreamTimeoutMs: TIMEOUT_MS });
  }, 60_000);
  afterAll(() => stack.stop());
  afterEach(() => faults().clear());

  it('commit then drop: reports created (confirmed by alias), never failed, and writes each record once', async () => {
    faults().set([{ method: 'POST', path: '^/biosamples', dropResponse: true, times: 3 }]);
    const r = await create({ entities: ['drop-1', 'drop-2', 'drop-3', 'drop-4'].map((a) => sample(a)) });
    expect(r).toMatchObject({ success: true, createdCount: 4, errorCount: 0 });
    expect(r.entities.every((e: any) => e.action === 'create' && e.accession)).toBe(true);
    const confirmed = r.entities.filter((e: any) => e.warnings.some((w: string) => /no answer \(reset\); the record was created: barbara-wold:drop-\d finds it/.test(w)));
    expect(confirmed).toHaveLength(3);
    for (const a of ['drop-1', 'drop-2', 'drop-3', 'drop-4']) expect(upstream(a)).toBe(1);
  });

  it('reset before handling: the POST is sent again only after the alias proved it absent, and lands once', async () => {
    faults().set([{ method: 'POST', path: '^/biosamples', reset: true, times: 1 }]);
    const r = await create({ entities: [sample('reset-1')] });
    expect(r).toMatchObject({ success: true, createdCount: 1 });
    expect(r.entities[0].warnings.join()).toMatch(/no record answered to barbara-wold:reset-1, so it was sent again/);
    expect(faults().list()[0].applied).toBe(1);
    expect(upstream('reset-1')).toBe(1);
  });

  it('a hung portal: after UPSTREAM_TIMEOUT_MS the record is looked up, sent again, and lands once', async () => {
    faults().set([{ method: 'POST', path: '^/biosamples', hang: true, times: 1 }]);
    const r = await create({ entities: [sample('hang-1')] });
    expect(r).toMatchObject({ success: true, createdCount: 1 });
    expect(r.entities[0].warnings.join()).toMatch(/no answer \(timeout\); no record answered to barbara-wold:hang-1, so it was sent again/);
    expect(upstream('hang-1')).toBe(1);
  });

  it('5xx before and after a re-send: not created, said so with what was checked; the re-run registers it once', async () => {
    faults().set([{ method: 'POST', path: '^/biosamples', errorRate: 1, status: 503, times: 2 }]);
    const r = await create({ entities: [sample('err-1')] });
    expect(r).toMatchObject({ success: false, createdCount: 0, errorCount: 1 });
    expect(r.entities[0].errors[0]).toMatchObject({ type: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/no record answers to barbara-wold:err-1/) });
    expect(upstream('err-1')).toBe(0);
    const again = await create({ entities: [sample('err-1')] });
    expect(again).toMatchObject({ success: true, createdCount: 1 });
    expect(upstream('err-1')).toBe(1);
  });

  it('without an alias nothing can be looked up: the result says unknown, never failed or created', async () => {
    faults().set([{ method: 'POST', path: '^/biosamples', dropResponse: true, times: 1 }]);
    const r = await create({ noAliases: true, entities: [sample(null, { description: 'no-alias-1' })] });
    expect(r.entities[0]).toMatchObject({ action: 'unknown', valid: false, errors: [] });
    expect(r.entities[0].warnings.join()).toMatch(/it has no alias or md5sum to look it up by; whether it was created is unknown/);
    expect(r).toMatchObject({ success: false, createdCount: 0, errorCount: 0 });
    expect(r.message).toMatch(/1 unknown/);
    expect(upstream('no-alias-1')).toBe(1);
  });

  it('a re-run of a batch after faults finishes the job with no duplicates', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `rerun-${i}`);
    faults().set([
      { method: 'POST', path: '^/biosamples', dropResponse: true, times: 4 },
      { method: 'POST', path: '^/biosamples', errorRate: 1, status: 502, times: 6 },
    ]);
    const first = await create({ entities: aliases.map((a) => sample(a)) });
    faults().clear();
    const second = await create({ entities: aliases.map((a) => sample(a)) });
    expect(second.errorCount).toBe(0);
    const created = (x: any) => x.entities.filter((e: any) => e.action === 'create').length;
    expect(created(first) + created(second)).toBe(30);
    expect(second.entities.filter((e: any) => e.action === 'exists')).toHaveLength(created(first));
    for (const a of aliases) expect(upstream(a)).toBe(1);
  });

  it('a PATCH and a removal PUT whose answers are lost are made sure of, not reported failed', async () => {
    await create({ entities: [sample('patch-lost', { description: 'before' })] });
    faults().set([{ method: 'PATCH', dropResponse: true, times: 1 }]);
    const p = ok(await stack.gql(PATCH, { input: { source: 'ENCODE', id: `${LAB}:patch-lost`, patch: { passage_number: 7 } } })).patchRecord;
    expect(p).toMatchObject({ success: true, updatedCount: 1, entities: [{ action: 'update' }] });
    expect(p.entities[0].record.passage_number).toBe(7);
    faults().set([{ method: 'PUT', dropResponse: true, times: 1 }]);
    const rm = ok(await stack.gql(PATCH, { input: { source: 'ENCODE', id: `${LAB}:patch-lost`, removeProperties: ['description'], patch: {} } })).patchRecord;
    expect(rm).toMatchObject({ success: true, updatedCount: 1 });
    expect(rm.entities[0].record).not.toHaveProperty('description');
    expect(rm.entities[0].warnings.join()).toMatch(/no answer \(reset\)/);
  });
});
