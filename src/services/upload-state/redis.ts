import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { recordSharedStateFallback } from '../../metrics';
import { type DiskUploadStates, mergeParts, parsePart, parseSaved, type SavedPart, type SavedUpload, type UploadState, type UploadStates, type UploadSystem } from '.';

/**
 * How long an unfinished upload is remembered in Redis. S3 keeps an unfinished multipart upload
 * until it is completed or aborted (or a bucket rule expires it); a week covers a resume after a
 * weekend, and bounds what Redis holds for uploads nobody comes back to.
 */
export const RESUME_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Resume state in Redis (REDIS_URL), so an upload interrupted on one instance resumes through any
 * other: the upload under `submission-gateway:<system>-upload:<scope>:<id>`, its parts in a hash
 * beside it (`…:parts`, one field per part number). Only the type of ioredis is imported here: the
 * connection comes from src/redis.ts.
 *
 * While Redis cannot be reached, the state goes to this instance's disk instead (`local`), and a
 * load looks there too: an upload interrupted then still resumes through the same instance, and
 * an upload never fails because Redis is away.
 */
export class RedisUploadStates implements UploadStates {
  constructor(
    private readonly redis: Redis,
    private readonly local: DiskUploadStates,
    private readonly logger: Logger,
  ) {}

  of(system: UploadSystem, scope: string, id: string): UploadState {
    const key = `submission-gateway:${system.toLowerCase()}-upload:${scope}:${id}`;
    const partsKey = `${key}:parts`;
    const local = this.local.of(system, scope, id);
    const fallback = (what: string, err: unknown) => {
      recordSharedStateFallback('upload_state');
      this.logger.warn({ system, scope, id, err: (err as Error).message }, `Redis unavailable: ${system} upload resume state ${what} this instance's disk`);
    };
    return {
      load: async (): Promise<SavedUpload | null> => {
        let shared: SavedUpload | null = null;
        let sharedParts: SavedPart[] = [];
        try {
          const [[, text], [, hash]] = (await this.redis.multi().get(key).hgetall(partsKey).exec()) as [[null, string | null], [null, Record<string, string>]];
          shared = parseSaved(text);
          sharedParts = Object.values(hash ?? {}).map(parsePart).filter((p): p is SavedPart => p !== null);
        } catch (err) {
          fallback('read from', err);
        }
        if (!shared) return local.load();
        // Parts answered while Redis was away were appended to this disk.
        const parts = mergeParts([...(shared.parts ?? []), ...sharedParts, ...(await local.parts())]);
        return parts.length ? { ...shared, parts } : shared;
      },
      save: async (saved: SavedUpload): Promise<void> => {
        try {
          await this.redis.multi().set(key, JSON.stringify(saved), 'EX', RESUME_TTL_SECONDS).del(partsKey).exec();
          await local.clear();
        } catch (err) {
          fallback('kept on', err);
          await local.save(saved);
        }
      },
      savePart: async (part: SavedPart): Promise<void> => {
        try {
          await this.redis.multi().hset(partsKey, String(part.partNumber), JSON.stringify(part)).expire(partsKey, RESUME_TTL_SECONDS).exec();
        } catch (err) {
          fallback('kept on', err);
          await local.savePart(part);
        }
      },
      clear: async (): Promise<void> => {
        await local.clear();
        // Left behind, a stale id only costs the next try a refused request before a new upload.
        await this.redis.del(key, partsKey).catch((err: unknown) => fallback('not cleared from Redis, only from', err));
      },
    };
  }
}
