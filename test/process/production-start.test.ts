import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { kill, type RunningProcess, startGatewayProcess } from '../support/process';

/**
 * A production start (both upstream URLs set, NODE_ENV=production) on a real process: the
 * emulators and s3rver are never loaded, body errors are still JSON, the version comes from
 * package.json. The same trace of an embedded-sandbox start is the control: it must show them, in
 * the sandbox's child process only, never in the gateway's.
 */
const trace = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'modules.txt');
const EMULATORS = /[/\\]src[/\\]sandbox[/\\]|[/\\]node_modules[/\\]s3rver[/\\]/;

describe('production start', () => {
  let sandbox: RunningSandbox;
  let proc: RunningProcess | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({});
  });
  afterAll(() => sandbox.stop());
  afterEach(() => kill(proc));

  async function run(env: Record<string, string>) {
    const file = trace();
    const gw = await startGatewayProcess({ MODULE_TRACE_FILE: file, ...env }, ['--require', path.join(__dirname, '../support/module-trace.cjs')]);
    proc = gw;
    return { gw, file };
  }

  async function stop(gw: RunningProcess, file: string): Promise<string[]> {
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    return fs.readFileSync(file, 'utf8').split('\n');
  }

  it('never loads the sandbox or s3rver when both upstream URLs are set', async () => {
    const { gw, file } = await run({
      NODE_ENV: 'production',
      ENCODE_URL: sandbox.encode!.url,
      GDC_URL: sandbox.gdc!.url,
      GDC_TOKEN: sandbox.gdc!.token,
    });
    const info = await request(gw.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ gatewayInfo { version sandbox } gdcDictionary(type: "case") }' }),
    });
    const body = (await info.body.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.gatewayInfo).toEqual({ version: require('../../package.json').version, sandbox: false });
    expect(body.data.gdcDictionary.id).toBe('case');

    const broken = await request(gw.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toMatch(/json/);
    expect(((await broken.body.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');

    const modules = await stop(gw, file);
    expect(modules.length).toBeGreaterThan(100);
    expect(modules.filter((m) => EMULATORS.test(m))).toEqual([]);
    // Without REDIS_URL nothing of Redis is loaded (src/redis.ts is imported only when it is set),
    // and without OTEL_EXPORTER_OTLP_ENDPOINT nothing of OpenTelemetry's SDK or exporter.
    expect(modules.filter((m) => /[/\\]node_modules[/\\]ioredis[/\\]|[/\\]src[/\\]redis\.ts$/.test(m))).toEqual([]);
    expect(modules.filter((m) => /[/\\]node_modules[/\\]@opentelemetry[/\\](sdk-|exporter-|otlp-)|[/\\]src[/\\]plugins[/\\]otel\.ts$/.test(m))).toEqual([]);
  });

  it('loads them only in the sandbox child when an upstream URL is missing (the control for the trace)', async () => {
    const { gw, file } = await run({});
    const gateway = await stop(gw, file);
    // The gateway forked its sandbox (src/sandbox/child) and loaded none of it itself.
    expect(gateway.some((m) => /[/\\]src[/\\]sandbox-process\.ts$/.test(m))).toBe(true);
    expect(gateway.filter((m) => EMULATORS.test(m))).toEqual([]);
    const children = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(`${path.basename(file)}.`));
    expect(children).toHaveLength(1);
    const child = fs.readFileSync(path.join(path.dirname(file), children[0]), 'utf8').split('\n');
    expect(child.some((m) => /[/\\]src[/\\]sandbox[/\\]child\.ts$/.test(m))).toBe(true);
    expect(child.some((m) => /[/\\]src[/\\]sandbox[/\\]index\.ts$/.test(m))).toBe(true);
    expect(child.some((m) => /[/\\]node_modules[/\\]s3rver[/\\]/.test(m))).toBe(true);
  });
});
