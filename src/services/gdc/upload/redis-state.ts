import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { recordSharedStateFallback } from '../../../metrics';
import { parseSaved, type SavedUpload, type UploadState, type UploadStates } from './state';

/**
 * How long an unfinished upload is remembered in Redis. GDC (S3) keeps an unfinished multipart
 * upload until it is completed or aborted; a week covers a resume after a weekend, and bounds what
 * Redis holds for uploads nobody comes back to.
 */
export const RESUME_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Resume state in Redis (REDIS_URL), so an upload interrupted on one instance resumes through any
 * other. Only the type of ioredis is imported here: the connection comes from src/redis.ts.
 *
 * While Redis cannot be reached, the state goes to this instance's disk instead (`local`), and a
 * load looks there too: an upload interrupted then still resumes through the same instance, and
 * an upload never fails because Redis is away.
 */
export class RedisUploadStates implements UploadStates {
  constructor(
    private readonly redis: Redis,
    private readonly local: UploadStates,
    private readonly logger: Logger,
  ) {}

  of(project: string, id: string): UploadState {
    const key = `submission-gateway:gdc-upload:${project}:${id}`;
    const local = this.local.of(project, id);
    const fallback = (what: string, err: unknown) => {
      recordSharedStateFallback('upload_state');
      this.logger.warn({ project, id, err: (err as Error).message }, `Redis unavailable: GDC upload resume state ${what} this instance's disk`);
    };
    return {
      load: async (): Promise<SavedUpload | null> => {
        let shared: SavedUpload | null = null;
        try {
          shared = parseSaved(await this.redis.get(key));
        } catch (err) {
          fallback('read from', err);
        }
        return shared ?? local.load();
      },
      save: async (saved: SavedUpload): Promise<void> => {
        try {
          await this.redis.set(key, JSON.stringify(saved), 'EX', RESUME_TTL_SECONDS);
        } catch (err) {
          fallback('kept on', err);
          await local.save(saved);
        }
      },
      clear: async (): Promise<void> => {
        await local.clear();
        // Left behind, a stale id only costs the next try a refused listParts before a new upload.
        await this.redis.del(key).catch((err: unknown) => fallback('not cleared from Redis, only from', err));
      },
    };
  }
}
