import { ConfigError, loadConfig } from '../../../src/config';

describe('job settings', () => {
  it('defaults: ./.data, 24 hours, no encryption key', () => {
    expect(loadConfig({}).jobs).toEqual({ dataDir: './.data', retentionHours: 24, encryptionKey: null, maxRunning: 4, lockSeconds: 30 });
  });

  it('reads DATA_DIR, JOB_RETENTION_HOURS and a 32-byte key as hex or base64', () => {
    const hex = 'ab'.repeat(32);
    const c = loadConfig({ DATA_DIR: '/var/lib/gw', JOB_RETENTION_HOURS: '48', JOBS_ENCRYPTION_KEY: hex, MAX_RUNNING_JOBS: '2', JOB_LOCK_SECONDS: '5' }).jobs;
    expect(c).toEqual({ dataDir: '/var/lib/gw', retentionHours: 48, encryptionKey: Buffer.from(hex, 'hex'), maxRunning: 2, lockSeconds: 5 });
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ JOBS_ENCRYPTION_KEY: b64 }).jobs.encryptionKey).toEqual(Buffer.alloc(32, 7));
  });

  it('refuses a bad value in one line that does not echo the key', () => {
    for (const [env, message] of [
      [{ JOB_RETENTION_HOURS: '0' }, 'JOB_RETENTION_HOURS must be at least 1'],
      [{ MAX_RUNNING_JOBS: '0' }, 'MAX_RUNNING_JOBS must be at least 1'],
      [{ JOB_LOCK_SECONDS: '0' }, 'JOB_LOCK_SECONDS must be at least 1'],
      [{ JOB_RETENTION_HOURS: 'a day' }, "JOB_RETENTION_HOURS must be a non-negative integer, got 'a day'"],
      [{ JOBS_ENCRYPTION_KEY: 'short-secret' }, 'JOBS_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or 44 base64 characters (openssl rand -hex 32); the value given is not'],
    ] as [Record<string, string>, string][]) {
      let thrown: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toBe(message);
      expect((thrown as Error).message).not.toContain('short-secret');
    }
  });
});
