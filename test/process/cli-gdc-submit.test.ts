import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli';
import { startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

const CASES_TSV = (prefix: string) =>
  ['type\tsubmitter_id\tdisease_type\tprimary_site\tprojects.code', ...[1, 2, 3].map((i) => `case\t${prefix}-${i}\tBlood Vessel Tumors\tBase of tongue\tINTERNAL`)].join('\n') + '\n';

describe('submission-gateway gdc submit (a real child process against a gateway on the sandbox)', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-gdc-'));
  });
  afterAll(async () => {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: string) => (fs.writeFileSync(path.join(dir, name), content), name);
  const exists = async (ids: string[]) => {
    const res = await stack.gql<{ gdcEntities: ({ properties: { submitter_id: string } } | null)[] }>(`query($ids: [ID!]!) { gdcEntities(project: "GDC-INTERNAL", ids: $ids) }`, { ids });
    return res.data.gdcEntities.map((e) => e?.properties.submitter_id ?? null);
  };

  it('a dry run writes nothing; --dry-run --commit commits the transaction; the entities exist in the sandbox after', async () => {
    const gateway = stack.gateway.graphqlUrl;
    const file = write('cases.tsv', CASES_TSV('CLI-DRY'));
    const dry = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', file, '--dry-run', '--gateway', gateway], dir);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n').filter((l) => /^cases\.tsv:\d+\t/.test(l))).toHaveLength(3);
    expect(dry.stdout).toMatch(/cases\.tsv: ok \(dry run\): 3 created, 0 updated, 0 errors/);
    const ids = [...dry.stdout.matchAll(/^cases\.tsv:\d+\tcase\tCLI-DRY-\d\t([0-9a-f-]{36})\t/gm)].map((m) => m[1]!);
    expect(ids).toHaveLength(3);
    expect(await exists(ids)).toEqual([null, null, null]);

    const committed = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', file, '--dry-run', '--commit', '--gateway', gateway], dir);
    expect([committed.code, committed.stderr]).toEqual([0, '']);
    expect(committed.stdout.match(/commit of transaction \d+ ok/g)).toHaveLength(1);
    const rows = [...committed.stdout.matchAll(/^cases\.tsv:(\d+)\tcase\t(CLI-DRY-\d)\t([0-9a-f-]{36})\tcreate \(committed\)$/gm)];
    expect(rows.map((m) => [m[1], m[2]])).toEqual([['2', 'CLI-DRY-1'], ['3', 'CLI-DRY-2'], ['4', 'CLI-DRY-3']]);
    expect(await exists(rows.map((m) => m[3]!))).toEqual(['CLI-DRY-1', 'CLI-DRY-2', 'CLI-DRY-3']);
  });

  it('--chunk-size writes each chunk as its own transaction; it is refused with --dry-run (exit 2)', async () => {
    const gateway = stack.gateway.graphqlUrl;
    const file = write('chunked.tsv', CASES_TSV('CLI-CHUNK'));
    const refused = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', file, '--dry-run', '--chunk-size', '2', '--gateway', gateway], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--chunk-size cannot be combined with --dry-run/);
    const run = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', file, '--chunk-size', '2', '--gateway', gateway], dir);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^chunked\.tsv: ok: 3 created, 0 updated, 0 errors; transaction \d+,\d+:/m);
    const ids = [...run.stdout.matchAll(/^chunked\.tsv:\d+\tcase\tCLI-CHUNK-\d\t([0-9a-f-]{36})\tcreate$/gm)].map((m) => m[1]!);
    expect(await exists(ids)).toEqual(['CLI-CHUNK-1', 'CLI-CHUNK-2', 'CLI-CHUNK-3']);
  });

  it('a refused row is named (file:row, error type) and the exit code is 1; usage errors exit 2', async () => {
    const gateway = stack.gateway.graphqlUrl;
    const bad = write('bad.tsv', 'type\tsubmitter_id\tdisease_type\tprimary_site\tprojects.code\ncase\tCLI-BAD-1\tNot A Disease\tBase of tongue\tINTERNAL\n');
    const run = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', bad, '--gateway', gateway], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^bad\.tsv:2\tcase\tCLI-BAD-1\t[^\t]*\terror \w+: .*disease_type/m);
    expect(run.stdout).toMatch(/bad\.tsv: FAILED/);

    const commitAlone = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', bad, '--commit', '--gateway', gateway], dir);
    expect(commitAlone.code).toBe(2);
    expect(commitAlone.stderr).toMatch(/--commit commits a dry run/);
    const noGateway = await runCli(['gdc', 'submit', '-p', 'GDC-INTERNAL', bad], dir);
    expect(noGateway.code).toBe(2);
    expect(noGateway.stderr).toMatch(/--gateway URL/);
  });

  it('--version answers on every command', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['register', '--version'], ['gdc', '--version'], ['gdc', 'submit', '--version']]) {
      const run = await runCli(args, dir);
      expect([run.code, run.stdout.trim()]).toEqual([0, version]);
    }
  });
});
