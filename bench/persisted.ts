/**
 * Issue 14's persisted-operation goals, each against its baseline in the same run:
 * - an automatic persisted query sent as GET with only its hash (what Apollo Client's
 *   `useGETForHashedQueries` sends, cacheable by a CDN) against the same query POSTed with its
 *   text: p50 within 10%;
 * - TRUSTED_DOCUMENTS (the manifest looked up by id or exact body, never parsed): an allowed
 *   operation's p50 against the same operation on a gateway without a manifest (goal: < 0.1 ms
 *   added), and what refusing an unlisted one costs.
 * Gateways and sandbox each run in a process of their own; one sequential client on a keep-alive
 * connection, the kinds interleaved round by round so load on the machine falls on all alike.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { type Child, startChild, startGatewayChild } from './support/child';
import { interleavedMs, percentile } from './support/timing';

const ROUNDS = Number(process.env.BENCH_PERSISTED_ROUNDS ?? 2000);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** No upstream call: the gateway's own work is all there is to see. */
const VERSION = 'query GatewayVersion { gatewayInfo { version schemaVersion { id } } }';
/** One ENCODE GET per call: a lookup as frontends make them. */
const LAB = 'query Lab($id: ID!) { encodeRecord(id: $id) }';
const LAB_VARIABLES = { id: '/labs/sandbox-lab/' };
/** Not in the manifest: what a trusted-documents gateway refuses. */
const UNLISTED = 'query Other { gatewayInfo { version } }';

type Send = () => Promise<void>;

function client(graphqlUrl: string, dispatcher: Agent) {
  const expect = (status: number, want: number, body: string, what: string) => {
    if (status !== want) throw new Error(`persisted bench: ${what} answered ${status}: ${body.slice(0, 300)}`);
  };
  const post = (body: object, want = 200, what = 'POST'): Send => {
    const text = JSON.stringify(body);
    return async () => {
      const res = await request(graphqlUrl, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json' }, body: text });
      const answer = await res.body.text();
      expect(res.statusCode, want, answer, what);
      if (want === 200 && answer.includes('"errors"')) throw new Error(`persisted bench: ${what}: ${answer.slice(0, 300)}`);
    };
  };
  const get = (params: Record<string, unknown>, what = 'GET'): Send => {
    const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)]));
    const url = `${graphqlUrl}?${search}`;
    return async () => {
      const res = await request(url, { dispatcher, headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
      const answer = await res.body.text();
      expect(res.statusCode, 200, answer, what);
      if (answer.includes('"errors"')) throw new Error(`persisted bench: ${what}: ${answer.slice(0, 300)}`);
    };
  };
  return { post, get };
}

const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha(query) } });
const ms = (x: number) => `${x.toFixed(3)} ms`;

export async function runPersisted(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-persisted-'));
  const manifestFile = path.join(dir, 'manifest.json');
  fs.writeFileSync(
    manifestFile,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: sha(VERSION), name: 'GatewayVersion', type: 'query', body: VERSION },
        { id: sha(LAB), name: 'Lab', type: 'query', body: LAB },
      ],
    }),
  );
  const sandbox: Child<{ encodeUrl: string; gdcUrl: string; encode: { key: string; secret: string }; gdcToken: string }> = await startChild('sandbox-child.ts', {});
  const s = sandbox.info;
  const base = { encodeUrl: s.encodeUrl, gdcUrl: s.gdcUrl, sandbox: { encode: true, gdc: true }, defaults: { encode: s.encode, gdcToken: s.gdcToken } };
  const open = await startGatewayChild(base);
  const trusted = await startGatewayChild({ ...base, trustedDocumentsFile: manifestFile });
  const dispatcher = new Agent({ connections: 1, pipelining: 1 });
  try {
    const a = client(open.info.graphqlUrl, dispatcher);
    const t = client(trusted.info.graphqlUrl, dispatcher);
    // APQ registration: the hash with its text once, then the hash alone.
    await a.post({ query: VERSION, extensions: persisted(VERSION) })();
    await a.post({ query: LAB, variables: LAB_VARIABLES, extensions: persisted(LAB) })();

    const apq = await interleavedMs(ROUNDS, {
      versionPost: a.post({ query: VERSION }, 200, 'POST version'),
      versionGet: a.get({ extensions: persisted(VERSION) }, 'APQ GET version'),
      labPost: a.post({ query: LAB, variables: LAB_VARIABLES }, 200, 'POST lab'),
      labGet: a.get({ variables: LAB_VARIABLES, extensions: persisted(LAB) }, 'APQ GET lab'),
    });
    const trust = await interleavedMs(ROUNDS, {
      open: a.post({ query: VERSION }, 200, 'POST version (no manifest)'),
      byBody: t.post({ query: VERSION }, 200, 'POST version (trusted, by body)'),
      byId: t.post({ extensions: persisted(VERSION) }, 200, 'POST version (trusted, by id)'),
      refused: t.post({ query: UNLISTED }, 400, 'POST unlisted (trusted)'),
    });
    const p50 = (xs: number[]) => percentile(xs, 0.5);
    const ratio = (x: number[], y: number[]) => (p50(x) / p50(y)).toFixed(3);
    console.log(`persisted operations (p50 of ${ROUNDS} interleaved rounds; gateways and sandbox in processes of their own, one keep-alive connection)`);
    console.log(`  APQ GET by hash vs POST with text, no upstream call: ${ms(p50(apq.versionGet))} vs ${ms(p50(apq.versionPost))}: ${ratio(apq.versionGet, apq.versionPost)}x (goal: at most 1.10x)`);
    console.log(`  APQ GET by hash vs POST with text, one ENCODE lookup: ${ms(p50(apq.labGet))} vs ${ms(p50(apq.labPost))}: ${ratio(apq.labGet, apq.labPost)}x (goal: at most 1.10x)`);
    console.log(
      `  TRUSTED_DOCUMENTS, an allowed operation by body: ${ms(p50(trust.byBody))}, by id: ${ms(p50(trust.byId))}, vs no manifest ${ms(p50(trust.open))}: ` +
        `${(p50(trust.byBody) - p50(trust.open)).toFixed(3)} ms added by body, ${(p50(trust.byId) - p50(trust.open)).toFixed(3)} ms by id (goal: < 0.1 ms)`,
    );
    console.log(`  TRUSTED_DOCUMENTS, an unlisted operation refused (400, never parsed): ${ms(p50(trust.refused))} (p99 ${ms(percentile(trust.refused, 0.99))})`);
  } finally {
    await dispatcher.close();
    await Promise.all([open.stop(), trusted.stop()]);
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
