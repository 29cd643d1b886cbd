import { createHash } from 'node:crypto';
import type { UpstreamHttp } from '../http';

/** What the cache needs of an upstream: one GET. */
type Reader = Pick<UpstreamHttp, 'request'>;
import { upstreamError } from '../upstream-error';
import { ProfileSet, typesFromServed } from '../../rules/encode/profiles';

/** How long a fetched `/profiles/` is used before it is revalidated (in the background). */
const FRESH_MS = 5 * 60 * 1000;
/** How long a failed `/profiles/` is not asked again for the reach rule. */
const RETRY_MS = 10 * 1000;

/**
 * The portal's public profiles, fetched once per process with one anonymous `GET /profiles/`
 * (what encode_utils reads too) and revalidated after a while with `If-None-Match`: profiles
 * are the same for every caller, so nothing of a caller is cached. A profile set whose content
 * did not change is kept as the same object, so its compiled validators are kept too.
 */
export class EncodeProfileCache {
  private current: { set: ProfileSet; etag: string | null; hash: string; fetchedAt: number } | null = null;
  private pending: Promise<ProfileSet> | null = null;

  constructor(
    private readonly freshMs = FRESH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The profiles: cached, revalidated in the background once stale; fetched now when `refresh`.
   * `http` is the asking operation's view of the upstream (the fetch counts as its call).
   */
  async get(http: Reader, refresh = false): Promise<ProfileSet> {
    if (!this.current || refresh) return this.fetch(http);
    if (this.now() - this.current.fetchedAt > this.freshMs) void this.fetch(http).catch(() => undefined);
    return this.current.set;
  }

  /** The profiles if they were fetched already; never asks the portal. */
  peek(): ProfileSet | null {
    return this.current?.set ?? null;
  }

  private lastFailure = -Infinity;

  /**
   * The profiles for the reach rule: cached ones, else one fetch; null while the portal does not
   * serve them (asked again at most every RETRY_MS, so an outage of `/profiles/` does not add a
   * failing request to every lookup).
   */
  async forReach(http: Reader): Promise<ProfileSet | null> {
    if (this.current) return this.current.set;
    if (this.now() - this.lastFailure < RETRY_MS) return null;
    try {
      return await this.fetch(http);
    } catch {
      this.lastFailure = this.now();
      return null;
    }
  }

  private fetch(http: Reader): Promise<ProfileSet> {
    this.pending ??= this.load(http).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async load(http: Reader): Promise<ProfileSet> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.current?.etag) headers['if-none-match'] = this.current.etag;
    const res = await http.request({ method: 'GET', path: '/profiles/', query: [['format', 'json']], headers, fresh: true });
    if (res.status === 304 && this.current) {
      this.current.fetchedAt = this.now();
      return this.current.set;
    }
    if (res.status !== 200 || !res.json || typeof res.json !== 'object') {
      throw upstreamError('ENCODE', res.status, res.json, res.text, 'GET /profiles/');
    }
    const hash = createHash('sha256').update(res.text).digest('hex');
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : null;
    if (this.current?.hash === hash) {
      Object.assign(this.current, { etag, fetchedAt: this.now() });
      return this.current.set;
    }
    const set = new ProfileSet(typesFromServed(res.json as Record<string, any>));
    this.current = { set, etag, hash, fetchedAt: this.now() };
    return set;
  }
}

const caches = new Map<string, EncodeProfileCache>();

/** The one profile cache of an upstream, by its base URL, for the life of the process. */
export function profileCacheOf(http: Pick<UpstreamHttp, 'baseUrl'>): EncodeProfileCache {
  let cache = caches.get(http.baseUrl.href);
  if (!cache) caches.set(http.baseUrl.href, (cache = new EncodeProfileCache()));
  return cache;
}
