import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { kill, ROOT, type RunningProcess, startGatewayProcess } from '../support/process';
import { BUILT_SERVER, START_NODE_FLAGS } from '../support/start-command';

/**
 * The quick start's `npm start` runs the BUILT gateway: prestart compiles src/ to dist/ (`npm run
 * build`), then `node [its flags] dist/src/server.js`; the Docker image runs the same command. Every other process
 * test runs the TypeScript sources, so this one builds and starts dist/ as a user does. A build that
 * emitted a copy of package.json into dist/ (an `import` of it) once made the package root resolve
 * to dist/, and the start failed: no starter data, no schema/.
 */
describe('npm start from the build (quick start, Docker)', () => {
  let proc: (RunningProcess & { graphqlUrl: string }) | undefined;
  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  }, 600_000);
  afterAll(() => kill(proc));

  it('compiles to dist/src with no package.json inside dist/', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'src', 'server.js'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist', 'package.json'))).toBe(false);
  });

  it('starts on the embedded sandbox and answers from the starter seed and the schema', async () => {
    proc = await startGatewayProcess({}, START_NODE_FLAGS, BUILT_SERVER);
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    const res = await request(proc.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ gatewayInfo { version sandbox } lab: encodeRecord(id: "/labs/sandbox-lab/") encode { labs { name } } }' }),
    });
    const body = (await res.body.json()) as { data: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data.gatewayInfo).toEqual({ version, sandbox: true });
    expect(body.data.lab.name).toBe('sandbox-lab');
    expect(body.data.encode.labs.map((l: { name: string }) => l.name)).toContain('sandbox-lab');
  }, 120_000);

  it('the built CLI says its version', () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli', 'main.js'), '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});
