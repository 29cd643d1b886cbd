import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { readExamples } from '../support/readme-examples';
import { kill, ROOT, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * Every GraphQL and curl example of README.md, run as written, in order, against `npm start`
 * (one fresh gateway per sandbox flavour). A GraphQL block is sent whole, as GraphiQL and curl users
 * send it: the same document once per operation, with its operationName, in the block's order. An
 * operation's `$variables` are taken as the README says a user takes them: from the field of that
 * name in an earlier answer of the same block (the dry run's `transactionId` for `GdcCommit`); a
 * required one must be there, an optional one is left out when it is not
 * (a real gateway process on its embedded sandbox; `SANDBOX_SCHEMAS=real` where the example's
 * marker says so). Fails on any GraphQL error, `data: null`, an HTTP error or a failed command. The
 * README's fixed ports (gateway 4000, sandbox 8001/8002/8003 of `npm run sandbox`) are mapped to
 * the ports of this run.
 */
const examples = readExamples(path.join(ROOT, 'README.md'));
const flavours = [...new Set(examples.map((e) => JSON.stringify(e.env)))];

/**
 * Runs a shell block as written, in a scratch folder, with every `curl` reporting its status; fails
 * on the first failing command (set -e).
 */
function runShell(block: string): Promise<{ code: number; out: string }> {
  const script = `set -euo pipefail\ncurl() { command curl -sS -w '\\nHTTP %{http_code}\\n' "$@"; }\n${block}\n`;
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** The value of the newest field called `name` in earlier answers (latest answer first), or undefined. */
function fieldOf(earlier: unknown[], name: string): unknown {
  const find = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(find).find((x) => x !== undefined && x !== null);
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    if (o[name] !== undefined && o[name] !== null) return o[name];
    return Object.values(o).map(find).find((x) => x !== undefined && x !== null);
  };
  return [...earlier].reverse().map(find).find((x) => x !== undefined);
}

/** Each named README operation's answer, for the checks after the examples ran. */
const answered = new Map<string, unknown>();

it('finds the README examples', () => {
  expect(examples.filter((e) => e.kind === 'graphql').length).toBeGreaterThanOrEqual(4);
  expect(examples.filter((e) => e.kind === 'sh').length).toBeGreaterThanOrEqual(1);
});

describe.each(flavours)('README examples on the sandbox with %s', (flavour) => {
  const env = JSON.parse(flavour) as Record<string, string>;
  const mine = examples.filter((e) => JSON.stringify(e.env) === flavour);
  let gw: (RunningProcess & { graphqlUrl: string; url: string }) | undefined;
  /** The answers of this flavour's GraphQL examples so far, per README block (its line). */
  const answers = new Map<number, unknown[]>();
  const ports = new Map<string, string>();

  beforeAll(async () => {
    gw = await startGatewayProcess(env);
    await gw.waitForLog((l) => /^ {2}S3: /.test(l.msg) || /^ {2}GDC: /.test(l.msg));
    const url = (label: string) => gw!.logs.map((l) => new RegExp(`^ {2}${label}: +(http://\\S+)`).exec(l.msg)?.[1]).find(Boolean);
    ports.set('4000', gw.url);
    ports.set('8001', url('ENCODE')!);
    ports.set('8002', url('GDC')!);
    if (url('S3')) ports.set('8003', url('S3')!);
  }, 120_000);
  afterAll(() => kill(gw));

  /** The README's fixed addresses, pointed at this run's gateway and sandbox. */
  const mapped = (text: string) => text.replace(/http:\/\/(?:localhost|127\.0\.0\.1):(4000|8001|8002|8003)/g, (m, port: string) => ports.get(port) ?? m);

  it.each(mine.map((e, i) => [`#${i + 1} ${e.kind} at README line ${e.line}${e.operationName ? ` (${e.operationName})` : ''}`, e] as const))(
    '%s runs as written',
    async (_name, example) => {
      if (example.kind === 'graphql') {
        const earlier = answers.get(example.line) ?? [];
        const variables = Object.fromEntries((example.variables ?? []).map(({ name }) => [name, fieldOf(earlier, name)]));
        const required = (example.variables ?? []).filter((v) => v.required).map((v) => v.name);
        for (const name of required) expect({ [name]: variables[name] }).toEqual({ [name]: expect.anything() });
        const res = await request(gw!.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: example.text, operationName: example.operationName, variables }),
        });
        const body = (await res.body.json()) as { data?: unknown; errors?: unknown[] };
        answers.set(example.line, [...earlier, body.data]);
        if (example.operationName) answered.set(example.operationName, body.data);
        expect({ status: res.statusCode, errors: body.errors }).toEqual({ status: 200, errors: undefined });
        expect(body.data).not.toBeNull();
        expect(body.data).toBeDefined();
        // Every record the example names exists: no root field, nor an item of a root list, is null.
        const missing = Object.entries(body.data as Record<string, unknown>).filter(([, v]) => v === null || (Array.isArray(v) && v.includes(null)));
        expect(missing).toEqual([]);
      } else {
        const { code, out } = await runShell(mapped(example.text));
        const statuses = [...out.matchAll(/^HTTP (\d{3})$/gm)].map((m) => Number(m[1]));
        expect({ code, failed: statuses.filter((s) => s >= 400) }).toEqual({ code: 0, failed: [] });
        expect(statuses.length).toBeGreaterThan(0);
        expect(out).not.toMatch(/"errors"\s*:\s*\[\s*\{|"data"\s*:\s*null/);
      }
    },
    60_000,
  );
});

it("commits the README's GDC dry run, its transactionId taken from the dry run's answer", () => {
  const dryRun = answered.get('GdcDryRunCase') as { createEntities: { transactionId: number; success: boolean } };
  const commit = answered.get('GdcCommit') as { commitTransaction: { success: boolean; createdCount: number; transactionId: number } };
  expect(dryRun.createEntities).toMatchObject({ success: true, transactionId: expect.any(Number) });
  expect(commit.commitTransaction).toMatchObject({ success: true, createdCount: 1 });
  expect(commit.commitTransaction.transactionId).not.toBe(dryRun.createEntities.transactionId);
  // The dry run was committed, so it can no longer be closed: GDC refuses, in the result.
  expect(answered.get('GdcClose')).toMatchObject({ closeTransaction: { success: false } });
});
