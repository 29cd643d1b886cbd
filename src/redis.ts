import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, withoutUserInfo } from './config';
import { recordRedisUp } from './metrics';

/** How long the first connection may take before the start fails (a wrong REDIS_URL is a setting problem). */
const CONNECT_TIMEOUT_MS = 10_000;
/** A command Redis does not answer by then fails, and its caller falls back (a hung Redis must not hang requests). */
const COMMAND_TIMEOUT_MS = 500;

/**
 * The REDIS_URL connection every shared state uses (rate-limit counters, GDC upload resume
 * state, job progress: src/jobs/redis-updates.ts subscribes on a duplicate of it). Only
 * src/server.ts imports this module, and only when REDIS_URL is set: without it, ioredis is never loaded.
 *
 * While the connection is lost, commands fail at once (no offline queue: a request never waits
 * for Redis to come back) and each user falls back to this instance's own state; ioredis
 * reconnects on its own, and the loss and the recovery are each logged once.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const shown = withoutUserInfo(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    // Each command is written at once. A rate-limit check is sent before the request's own work and
    // overlaps it (src/http/rate-limit.ts); auto-pipelining would hold it to the end of the turn,
    // after that work.
    enableAutoPipelining: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Reconnect for ever, at most every 2 s: Redis coming back is the normal end of an outage.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  let up = false;
  // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
  let lastError: Error | null = null;
  redis.on('ready', () => {
    if (!up) logger.info({ redis: shown }, 'Redis connected: rate limits, upload resume state and job progress are shared by every instance');
    up = true;
    lastError = null;
    recordRedisUp(true);
  });
  // Lost once per outage, logged once: at the first of an error or an unplanned close (a killed
  // Redis closes the socket, often with no error until a reconnect fails, if one ever does).
  const lost = (reason: string) => {
    if (up) logger.error({ redis: shown, err: reason }, 'Redis lost: each instance now enforces rate limits alone and keeps new upload resume state to itself, until it reconnects');
    up = false;
    recordRedisUp(false);
  };
  redis.on('error', (err: Error) => {
    lastError = err;
    lost(err.message);
  });
  // The socket closing is the outage's first sign: commands fail at once from then on (no offline queue).
  redis.on('close', () => recordRedisUp(false));
  // ioredis reconnects only after a close nobody asked for (quit() and disconnect() do not).
  redis.on('reconnecting', () => lost(lastError?.message ?? 'connection closed'));
  redis.on('end', () => recordRedisUp(false));
  try {
    await withTimeout(redis.connect(), CONNECT_TIMEOUT_MS, `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
  } catch (err) {
    redis.disconnect();
    throw new ConfigError(`REDIS_URL ${shown} cannot be used: ${(lastError ?? (err as Error)).message}`);
  }
  return redis;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}
