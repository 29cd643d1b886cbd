import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, DEFAULT_JOB_LOCK_SECONDS, DEFAULT_MAX_RUNNING_JOBS, type JobsConfig } from '../config';
import { StoreJobReader } from './reader';
import { RedisJobStore } from './redis-store';
import { RedisJobUpdates } from './redis-updates';
import type { SharedJobQueue } from './shared-queue';
import { SqliteJobStore } from './sqlite-store';
import type { JobStore } from './store';
import { LocalJobUpdates, type JobReader, type JobUpdates } from './updates';

const HOUR_MS = 3_600_000;

/** The process-wide job machinery every request's `GatewayContext.jobs` is cut from. */
export interface JobsDeps {
  store: JobStore;
  reader: JobReader;
  updates: JobUpdates;
  /** With REDIS_URL and JOBS_ENCRYPTION_KEY: the queue every instance's worker takes jobs from. */
  queue: SharedJobQueue | null;
  config: JobsConfig;
  close(): Promise<void>;
}

/**
 * Opens the job store under `config.dataDir`. Without a config (a gateway embedded in a test or a
 * script) jobs live in a temporary folder removed at close, so nothing is written into the cwd.
 * With `shared` (REDIS_URL) job progress travels over Redis pub/sub, so a subscriber connected to
 * any instance hears every event; with JOBS_ENCRYPTION_KEY too, jobs are kept in Redis and run
 * on BullMQ, so any instance runs, reads and resumes any job. Without the key a job's credentials
 * exist only in the memory of the instance it was started on, so it runs there, kept in its DATA_DIR.
 */
export async function openJobs(config: JobsConfig | undefined, shared?: { redis: Redis; logger: Logger } | null): Promise<JobsDeps> {
  const temporary = config ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-jobs-'));
  const resolved: JobsConfig = config ?? { dataDir: temporary!, retentionHours: 24, encryptionKey: null, maxRunning: DEFAULT_MAX_RUNNING_JOBS, lockSeconds: DEFAULT_JOB_LOCK_SECONDS };
  const onRedis = shared && resolved.encryptionKey ? shared : null;
  if (shared && !onRedis) shared.logger.warn('REDIS_URL without JOBS_ENCRYPTION_KEY: each job runs on the instance it was started on and is kept in its DATA_DIR (its credentials cannot leave its memory); set JOBS_ENCRYPTION_KEY on every instance to share jobs');
  // The store's own connection waits for Redis (offline queue) rather than failing a job's next write during an outage.
  const storeRedis = onRedis?.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
  storeRedis?.on('error', () => undefined);
  const store = storeRedis ? new RedisJobStore(storeRedis, resolved.dataDir, resolved.retentionHours * 3600) : openStore(resolved.dataDir);
  const queue = onRedis ? new (await import('./bull-queue')).BullJobQueue(onRedis.redis, { concurrency: resolved.maxRunning, lockSeconds: resolved.lockSeconds, logger: onRedis.logger }) : null;
  // Ended jobs past JOB_RETENTION_HOURS go at start and then hourly; unref'd so it never holds the process up.
  const sweep = () => void store.sweep(new Date(Date.now() - resolved.retentionHours * HOUR_MS)).catch(() => undefined);
  sweep();
  const timer = setInterval(sweep, HOUR_MS).unref();
  const updates = shared ? new RedisJobUpdates(shared.redis, shared.logger) : new LocalJobUpdates();
  return {
    store,
    reader: new StoreJobReader(store),
    updates,
    queue,
    config: resolved,
    close: async () => {
      clearInterval(timer);
      if (updates instanceof RedisJobUpdates) await updates.close();
      await queue?.close();
      await storeRedis?.quit().catch(() => storeRedis.disconnect());
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
