import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DEFAULT_MAX_RUNNING_JOBS, type JobsConfig } from '../config';
import { StoreJobReader } from './reader';
import { SqliteJobStore } from './sqlite-store';
import type { JobStore } from './store';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisJobUpdates } from './redis-updates';
import { LocalJobUpdates, type JobReader, type JobUpdates } from './updates';

const HOUR_MS = 3_600_000;

/** The process-wide job machinery every request's `GatewayContext.jobs` is cut from. */
export interface JobsDeps {
  store: JobStore;
  reader: JobReader;
  updates: JobUpdates;
  config: JobsConfig;
  close(): Promise<void>;
}

/**
 * Opens the job store under `config.dataDir`. Without a config (a gateway embedded in a test or a
 * script) jobs live in a temporary folder removed at close, so nothing is written into the cwd.
 * With `shared` (REDIS_URL) job progress travels over Redis pub/sub, so a subscriber connected to
 * any instance hears every event; without it, within this process.
 */
export function openJobs(config: JobsConfig | undefined, shared?: { redis: Redis; logger: Logger } | null): JobsDeps {
  const temporary = config ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-jobs-'));
  const resolved: JobsConfig = config ?? { dataDir: temporary!, retentionHours: 24, encryptionKey: null, maxRunning: DEFAULT_MAX_RUNNING_JOBS };
  const store = openStore(resolved.dataDir);
  // Ended jobs past JOB_RETENTION_HOURS go at start and then hourly; unref'd so it never holds the process up.
  const sweep = () => void store.sweep(new Date(Date.now() - resolved.retentionHours * HOUR_MS)).catch(() => undefined);
  sweep();
  const timer = setInterval(sweep, HOUR_MS).unref();
  const updates = shared ? new RedisJobUpdates(shared.redis, shared.logger) : new LocalJobUpdates();
  return {
    store,
    reader: new StoreJobReader(store),
    updates,
    config: resolved,
    close: async () => {
      clearInterval(timer);
      if (updates instanceof RedisJobUpdates) await updates.close();
      await store.close();
      if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
    },
  };
}

/** A DATA_DIR the gateway cannot use is a bad setting: said in one line at start, like the others. */
function openStore(dataDir: string): SqliteJobStore {
  try {
    return new SqliteJobStore(dataDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigError(`DATA_DIR '${dataDir}' is not a folder the gateway can write the job store in (${code})`);
  }
}
