import { freePort, kill, type RunningProcess, runProcess } from '../support/process';

/**
 * A bad setting stops `npm start` with one line on stderr naming the variable, the value and what
 * is allowed: no stack, no pino internals, and a non-zero exit code.
 */
describe('npm start with a bad setting', () => {
  let proc: RunningProcess | undefined;
  afterEach(() => kill(proc));

  it.each([
    [{ PORT: '99999' }, "PORT must be a port between 0 and 65535, got '99999'"],
    [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'"],
    [{ LOG_FORMAT: 'xml' }, "LOG_FORMAT must be one of json, pretty, got 'xml'"],
    [{ JOBS_ENCRYPTION_KEY: 'hunter2' }, 'JOBS_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or 44 base64 characters (openssl rand -hex 32); the value given is not'],
    [{ TRUST_PROXY: '10.0.0.1,lb.internal' }, "TRUST_PROXY must be a hop count or a comma-separated list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal), got '10.0.0.1,lb.internal' (invalid IP address: lb.internal)"],
    [{ CURSOR_SECRET: 'short-secret' }, 'CURSOR_SECRET must be at least 32 characters (e.g. the output of openssl rand -hex 32), got 12'],
  ])('%j: one line on stderr, exit code 1', async (env, message) => {
    proc = runProcess('src/server.ts', { PORT: '0', HOST: '127.0.0.1', ENCODE_URL: '', GDC_URL: '', ...env });
    let stderr = '';
    proc.child.stderr!.on('data', (d) => (stderr += d));
    expect(await proc.exited).toBe(1);
    expect(stderr).toBe(`submission-gateway failed to start: ${message}\n`);
    expect(proc.logs).toEqual([]);
  }, 60_000);

  it('REDIS_URL where no Redis answers: one fatal line naming it without its password, exit code 1, before the sandbox starts', async () => {
    const port = await freePort();
    proc = runProcess('src/server.ts', { PORT: '0', HOST: '127.0.0.1', ENCODE_URL: '', GDC_URL: '', REDIS_URL: `redis://user:hunter2-secret@127.0.0.1:${port}/0` });
    expect(await proc.exited).toBe(1);
    const fatal = proc.logs.filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0].msg).toMatch(new RegExp(`^submission-gateway failed to start: REDIS_URL redis://127\\.0\\.0\\.1:${port}/0 cannot be used: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
    expect(proc.output()).not.toContain('hunter2-secret');
    expect(proc.output()).not.toMatch(/sandbox/i);
  }, 60_000);
});
