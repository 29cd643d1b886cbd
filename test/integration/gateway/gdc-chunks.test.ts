import { ok, startStack, type Stack } from '../../support/stack';
import { CREATE, ENTITIES, gqlWithFile } from '../../support/gdc';

/** chunkSize: one submission as several transactions, parents first, each all or nothing. */
describe('GDC chunked submissions through the gateway', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  const create = async (input: Record<string, unknown>) => {
    const res = await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', ...input } });
    return ok(res).createEntities;
  };
  const header = 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\tcases.submitter_id\ttissue_type\tpreservation_method\tspecimen_type\ttumor_descriptor\tsamples.submitter_id';
  const caseRow = (id: string) => `case\t${id}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue\t\t\t\t\t\t`;
  const sampleRow = (id: string, c: string, site = 'Tumor') => `sample\t${id}\t\t\t\t${c}\t${site}\tFresh\tWhole Bone Marrow\tPrimary\t`;
  const aliquotRow = (id: string, s: string) => `aliquot\t${id}\t\t\t\t\t\t\t\t\t${s}`;
  const posts = () => stack.sandbox.gdc!.requests.count({ method: 'POST' });

  it('sends children-first input parents first, in transactions of chunkSize, results in input order', async () => {
    // Input order: aliquots, then samples, then cases — every link points forward.
    const tsv = [
      header,
      aliquotRow('CH-A1', 'CH-S1'),
      aliquotRow('CH-A2', 'CH-S2'),
      sampleRow('CH-S1', 'CH-C1'),
      sampleRow('CH-S2', 'CH-C2'),
      caseRow('CH-C1'),
      caseRow('CH-C2'),
    ].join('\n');
    const before = posts();
    const r = await create({ document: tsv, chunkSize: 2 });
    expect(r).toMatchObject({ success: true, createdCount: 6, errorCount: 0, casesRelatedToCreatedCount: 2, transactionId: null });
    expect(posts() - before).toBe(3);
    // Parents-first order comes from the dictionary the typed graph read at start, not a new read: one read in all.
    // (Counted after the mutation: the start-up read is logged when its answer has been flushed, which may be late.)
    expect(stack.sandbox.gdc!.requests.count({ method: 'GET', pathPrefix: '/v0/submission/_dictionary' })).toBe(1);
    expect(r.chunks.map((c: any) => [c.index, c.success, c.firstIndex, c.count])).toEqual([
      [0, true, 4, 2],
      [1, true, 2, 2],
      [2, true, 0, 2],
    ]);
    expect(new Set(r.chunks.map((c: any) => c.transactionId)).size).toBe(3);
    expect(r.message).toMatch(/^Transaction successful: 3 chunk\(s\) of at most 2 entities, parents first/);
    expect(r.entities.map((e: any) => [e.index, e.row, e.submitterId, e.action])).toEqual([
      [0, 2, 'CH-A1', 'create'],
      [1, 3, 'CH-A2', 'create'],
      [2, 4, 'CH-S1', 'create'],
      [3, 5, 'CH-S2', 'create'],
      [4, 6, 'CH-C1', 'create'],
      [5, 7, 'CH-C2', 'create'],
    ]);
    // The same document as one transaction would have worked too; as chunks in input order it could not.
    const logs = stack.sandbox.gdc!.emulator.service.logs;
    expect(r.chunks.map((c: any) => logs.get(c.transactionId)!.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it('stops at the first failing chunk, says what was written, and a fixed re-run with upsert finishes without duplicates', async () => {
    const rows = (site: string) => [header, caseRow('FX-C1'), caseRow('FX-C2'), sampleRow('FX-S1', 'FX-C1'), sampleRow('FX-S2', 'FX-C2', site), aliquotRow('FX-A1', 'FX-S1')];
    const r = await create({ document: rows('Moon').join('\n'), chunkSize: 2 });
    expect(r).toMatchObject({ success: false, createdCount: 2 });
    expect(r.chunks.map((c: any) => c.success)).toEqual([true, false, false]);
    expect(r.chunks[2]).toMatchObject({ transactionId: null, message: 'Not sent: chunk 2 failed.' });
    expect(r.message).toMatch(/^Chunk 2 of 3 failed: Transaction aborted due to 1 invalid entity\. Chunks 1-1 were written \(transactions \d+\)\. 1 later chunk\(s\) were not sent\./);
    expect(r.entities[3]).toMatchObject({ row: 5, valid: false, errors: [expect.objectContaining({ message: expect.stringMatching(/'Moon' is not one of/) })] });
    expect(r.entities[4]).toMatchObject({ action: null, warnings: [expect.stringMatching(/^not sent: chunk 2 failed/)] });

    const fixed = await create({ document: rows('Tumor').join('\n'), chunkSize: 2, upsert: true });
    expect(fixed).toMatchObject({ success: true, createdCount: 3, updatedCount: 2 });
    const ids = fixed.entities.map((e: any) => e.id);
    const { gdcEntities } = ok(await stack.gql(ENTITIES, { project: 'GDC-INTERNAL', ids }));
    expect(gdcEntities.map((e: any) => e.properties.submitter_id)).toEqual(['FX-C1', 'FX-C2', 'FX-S1', 'FX-S2', 'FX-A1']);
    expect(ids.slice(0, 2)).toEqual(r.entities.slice(0, 2).map((e: any) => e.id));
  });

  it('takes an uploaded JSON file and splits it as JSON', async () => {
    const entities = [
      { type: 'sample', submitter_id: 'UP-S', cases: { submitter_id: 'UP-C' }, tissue_type: 'Tumor', preservation_method: 'Fresh', specimen_type: 'Whole Bone Marrow', tumor_descriptor: 'Primary' },
      { type: 'case', submitter_id: 'UP-C', projects: { code: 'INTERNAL' }, disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue' },
    ];
    const res = await gqlWithFile(
      stack.gateway.graphqlUrl,
      CREATE,
      { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null, chunkSize: 1 } },
      'variables.input.file',
      { name: 'entities.json', bytes: Buffer.from(JSON.stringify(entities)) },
    );
    const r = ok<any>(res).createEntities;
    expect(r).toMatchObject({ success: true, createdCount: 2 });
    expect(r.chunks.map((c: any) => c.firstIndex)).toEqual([1, 0]);
    expect(r.entities.map((e: any) => [e.type, e.action])).toEqual([
      ['sample', 'create'],
      ['case', 'create'],
    ]);
  });

  it('puts 20,000 rows through as ten transactions of 2,000', async () => {
    // One 20,000-entity transaction is what times out at GDC (and takes the sandbox ~20 s alone).
    const tsv = [header, ...Array.from({ length: 20_000 }, (_, i) => caseRow(`BIG-${i}`))].join('\n');
    // Over MAX_REQUEST_BYTES as a JSON string (the 413 says to send it as a file): sent as a file, as the README says.
    expect(Buffer.byteLength(tsv)).toBeGreaterThan(1024 * 1024);
    const refused = await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', document: tsv, chunkSize: 2000 } });
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/MAX_REQUEST_BYTES.*as a file/), extensions: { code: 'LIMIT_EXCEEDED' } });
    const before = posts();
    const sent = await gqlWithFile(stack.gateway.graphqlUrl, CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', file: null, chunkSize: 2000 } }, 'variables.input.file', { name: 'cases.tsv', bytes: Buffer.from(tsv) });
    expect(sent.errors).toBeUndefined();
    const r = sent.data.createEntities;
    expect(r).toMatchObject({ success: true, createdCount: 20_000 });
    expect(r.chunks.map((c: any) => [c.success, c.count])).toEqual(Array.from({ length: 10 }, () => [true, 2000]));
    expect(posts() - before).toBe(10);
    expect(r.entities[19_999]).toMatchObject({ index: 19_999, row: 20_001, submitterId: 'BIG-19999', action: 'create' });
  }, 240_000);

  it('refuses chunkSize with a dry run or async, and a chunkSize below 1, before calling upstream', async () => {
    const before = stack.sandbox.gdc!.requests.count({});
    for (const extra of [{ dryRun: true }, { async: true }, { chunkSize: 0 }]) {
      const res = await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [{ type: 'case' }], chunkSize: 5, ...extra } });
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'chunkSize' } });
    }
    expect(stack.sandbox.gdc!.requests.count({})).toBe(before);
  });
});
