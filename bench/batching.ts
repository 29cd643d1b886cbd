/**
 * Batching: 100 ENCODE records and 100 GDC entities through one GraphQL query (DataLoader: one
 * upstream search / one GET) against a baseline of the same records fetched one upstream request
 * each (what an N+1 resolver does), measured in the same run on the same sandbox.
 */
import pino from 'pino';
import { EncodeClient } from '../src/datasources/encode/client';
import { GdcClient, parseProject } from '../src/datasources/gdc/client';
import { UpstreamPool } from '../src/datasources/http';
import { startStack } from '../test/support/stack';
import { medianMs } from './support/timing';

const N = 100;
const ROUNDS = 5;

export async function runBatching(): Promise<void> {
  const stack = await startStack({});
  const logger = pino({ level: 'silent' });
  try {
    // ENCODE: 100 organisms-like records would need profiles; labs are in every profile set.
    const encodeLabs = Array.from({ length: N }, (_, i) => ({ name: `bench-lab-${i}`, title: `Bench Lab ${i}` }));
    const admin = (await import('../src/sandbox')).ENCODE_SANDBOX_KEYS.admin;
    const created = await stack.gql(
      `mutation($e: [JSON!]) { createEntities(input: { source: ENCODE, profile: "lab", entities: $e }) { createdCount entities { id } } }`,
      { e: encodeLabs },
      { 'x-dcc-api-key': admin.id, 'x-dcc-secret-key': admin.secret },
    );
    const labIds: string[] = created.data.createEntities.entities.map((e: { id: string }) => e.id);

    const cases = Array.from({ length: N }, (_, i) => ({
      type: 'case',
      submitter_id: `BENCH-${i}`,
      disease_type: 'Blood Vessel Tumors',
      primary_site: 'Base of tongue',
      projects: { code: 'INTERNAL' },
    }));
    const gdcCreated = await stack.gql(
      `mutation($e: [JSON!]) { createEntities(input: { source: GDC, project: "GDC-INTERNAL", entities: $e }) { createdCount entities { id } } }`,
      { e: cases },
    );
    const caseIds: string[] = gdcCreated.data.createEntities.entities.map((e: { id: string }) => e.id);
    if (labIds.length !== N || caseIds.length !== N) throw new Error('bench setup failed');

    const encodeHttp = new UpstreamPool('ENCODE', stack.sandbox.encode!.url, { timeoutMs: 30_000, logger });
    const gdcHttp = new UpstreamPool('GDC', stack.sandbox.gdc!.url, { timeoutMs: 30_000, logger });
    const encode = new EncodeClient(encodeHttp, stack.sandbox.encode!.credentials);
    const gdc = new GdcClient(gdcHttp, stack.sandbox.gdc!.token);
    const project = parseProject('GDC-INTERNAL');

    const rows: [string, number, number, number, number][] = [];
    for (const [name, batched, baseline, log] of [
      [
        'encodeRecords x100',
        () => stack.gql(`query($ids: [ID!]!) { encodeRecords(ids: $ids) }`, { ids: labIds }),
        () => Promise.all(labIds.map((id) => encode.getRecord(id))),
        stack.sandbox.encode!.requests,
      ],
      [
        'gdcEntities x100',
        () => stack.gql(`query($ids: [ID!]!) { gdcEntities(project: "GDC-INTERNAL", ids: $ids) }`, { ids: caseIds }),
        () => Promise.all(caseIds.map((id) => gdc.getEntities(project, [id]))),
        stack.sandbox.gdc!.requests,
      ],
    ] as const) {
      log.reset();
      await batched();
      const batchedCalls = log.entries.length;
      log.reset();
      await baseline();
      const baselineCalls = log.entries.length;
      const tBatched = await medianMs(ROUNDS, batched);
      const tBaseline = await medianMs(ROUNDS, baseline);
      rows.push([name, batchedCalls, baselineCalls, tBatched, tBaseline]);
    }
    await Promise.all([encodeHttp.close(), gdcHttp.close()]);

    console.log('batching (median of 5; baseline = one upstream request per id, same sandbox, same run)');
    for (const [name, bc, nc, tb, tn] of rows) {
      console.log(
        `  ${name.padEnd(20)} upstream requests ${bc} vs ${nc} (${(nc / bc).toFixed(0)}x fewer)   ` +
          `time ${tb.toFixed(1)} ms vs ${tn.toFixed(1)} ms (ratio ${(tb / tn).toFixed(2)})`,
      );
    }
  } finally {
    await stack.stop();
  }
}
