/**
 * A bulk GDC submission (issue 13): 20,000 rows (10,000 cases and a sample for each), children
 * first in the file, through one `createEntities` with `chunkSize: 30`, against what a wrangler
 * does without the gateway: the same 30-row chunks, parents first, POSTed one after the other
 * to GDC (the sandbox, in a process of its own, with the real dictionary). Runs alternate
 * (direct, gateway, gateway, direct) so a store that grows favours neither. Another caller's p99
 * and worst answer time during the gateway's runs show what the submission costs everyone else.
 */
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { CREATE, gqlWithFile } from '../test/support/gdc';
import { startProber } from '../test/support/prober';
import { REAL_SCHEMAS } from '../test/support/stack';
import { startChild, startGatewayChild } from './support/child';

const CASES = 10_000;
const CHUNK = 30;
const HEADER = 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\tcases.submitter_id\ttissue_type\tpreservation_method\tspecimen_type\ttumor_descriptor';
const caseRow = (id: string) => `case\t${id}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue\t\t\t\t\t`;
const sampleRow = (id: string, c: string) => `sample\t${id}\t\t\t\t${c}\tTumor\tFresh\tWhole Bone Marrow\tPrimary`;

function rows(prefix: string): { cases: string[]; samples: string[] } {
  const cases: string[] = [];
  const samples: string[] = [];
  for (let i = 0; i < CASES; i++) {
    cases.push(caseRow(`${prefix}-C${i}`));
    samples.push(sampleRow(`${prefix}-S${i}`, `${prefix}-C${i}`));
  }
  return { cases, samples };
}

/** The wrangler's loop: parents first, 30 rows per POST, each after the previous answered. */
async function direct(gdcUrl: string, token: string, prefix: string): Promise<number> {
  const { cases, samples } = rows(prefix);
  const ordered = [...cases, ...samples];
  const started = performance.now();
  for (let i = 0; i < ordered.length; i += CHUNK) {
    const body = [HEADER, ...ordered.slice(i, i + CHUNK)].join('\n');
    const res = await request(`${gdcUrl}/v0/submission/GDC/INTERNAL`, {
      method: 'POST',
      headers: { 'content-type': 'text/tab-separated-values', 'x-auth-token': token },
      body,
    });
    const answer = (await res.body.json()) as { success?: boolean; message?: string };
    if (!answer.success) throw new Error(`direct chunk ${i / CHUNK + 1} failed: ${answer.message}`);
  }
  return (performance.now() - started) / 1000;
}

/** One mutation with the whole file, children first as exported from a LIMS. */
async function throughGateway(graphqlUrl: string, prefix: string): Promise<{ seconds: number; p99: number; max: number }> {
  const { cases, samples } = rows(prefix);
  const file = Buffer.from([HEADER, ...samples, ...cases].join('\n'));
  const prober = startProber(graphqlUrl, 20);
  const started = performance.now();
  const res = await gqlWithFile(graphqlUrl, CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', chunkSize: CHUNK, file: null } }, 'variables.input.file', { name: `${prefix}.tsv`, bytes: file });
  const seconds = (performance.now() - started) / 1000;
  const probes = (await prober.stop()).map((p) => p.ms).sort((a, b) => a - b);
  const r = res.data?.createEntities;
  if (!r?.success || r.createdCount !== 2 * CASES) throw new Error(`gateway run failed: ${JSON.stringify(res.errors ?? r?.message)}`);
  return { seconds, p99: probes[Math.floor(probes.length * 0.99)] ?? NaN, max: probes[probes.length - 1] ?? NaN };
}

export async function runGdcBulk(): Promise<void> {
  const sandbox = await startChild<{ encodeUrl: string; gdcUrl: string; gdcToken: string }>('sandbox-child.ts', REAL_SCHEMAS);
  const gateway = await startGatewayChild({
    encodeUrl: sandbox.info.encodeUrl,
    gdcUrl: sandbox.info.gdcUrl,
    sandbox: { encode: true, gdc: true },
    defaults: { gdcToken: sandbox.info.gdcToken },
  });
  try {
    const d1 = await direct(sandbox.info.gdcUrl, sandbox.info.gdcToken, 'BD1');
    const g1 = await throughGateway(gateway.info.graphqlUrl, 'BG1');
    const g2 = await throughGateway(gateway.info.graphqlUrl, 'BG2');
    const d2 = await direct(sandbox.info.gdcUrl, sandbox.info.gdcToken, 'BD2');
    const gw = (g1.seconds + g2.seconds) / 2;
    const dir = (d1 + d2) / 2;
    console.log(
      `GDC bulk, ${2 * CASES} rows in chunks of ${CHUNK}: gateway ${gw.toFixed(1)} s (${g1.seconds.toFixed(1)}, ${g2.seconds.toFixed(1)}) vs ` +
        `${dir.toFixed(1)} s POSTed directly (${d1.toFixed(1)}, ${d2.toFixed(1)}): ${(gw / dir).toFixed(2)}x (goal <= 1.0x); ` +
        `another caller meanwhile: p99 ${Math.max(g1.p99, g2.p99).toFixed(1)} ms, max ${Math.max(g1.max, g2.max).toFixed(1)} ms (goal p99 < 50 ms)`,
    );
  } finally {
    await gateway.stop();
    await sandbox.stop();
  }
}
