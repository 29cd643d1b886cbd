/**
 * The upstream schemas the typed graph is generated from, read the way their own clients read
 * them: ENCODE `GET /profiles/?format=json` (as anonymous, through the process's one profile
 * cache, which the registration's validation reads too), GDC `GET /_dictionary/_all`.
 */
import { profileCacheOf } from '../datasources/encode/profiles';
import { readDictionaryDocument } from '../datasources/gdc/dictionary-document';
import type { UpstreamHttp } from '../datasources/http';
import type { ProfileSet } from '../rules/encode/profiles';
import type { Json } from './shapes';

export interface GraphSources {
  encodeProfiles: ProfileSet | null;
  gdcDictionary: Json | null;
  /**
   * sha256 prefix of the dictionary's bytes as served. Set with `gdcDictionary` null when they
   * were the bytes of `known.gdcDictionary` (not parsed again).
   */
  gdcDictionaryHash?: string | null;
  /** Why a source is missing, for `schemaVersion.problems`. */
  problems: string[];
}

/** The fingerprints of the schemas the live graph was built from: a source served unchanged is not parsed again. */
export interface KnownSources {
  gdcDictionary: string | null;
}

export type SourceReader = (known?: KnownSources) => Promise<GraphSources>;

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Reads both schemas; an upstream that fails leaves its part null with the reason, and never blocks the other. */
export function upstreamSources(upstreams: { encode: UpstreamHttp; gdc: UpstreamHttp }, deadlineMs: number): SourceReader {
  const profiles = profileCacheOf(upstreams.encode);
  return async (known) => {
    const problems: string[] = [];
    const read = async <T>(what: string, load: () => Promise<T>): Promise<T | null> => {
      try {
        return await withDeadline(load(), deadlineMs, what);
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message}`);
        return null;
      }
    };
    const [encodeProfiles, gdc] = await Promise.all([
      // Revalidated now (If-None-Match): unchanged profiles come back as the same ProfileSet.
      read('ENCODE profiles (GET /profiles/)', () => profiles.get(upstreams.encode, true)),
      read('GDC dictionary (GET /v0/submission/_dictionary/_all)', () => readDictionaryDocument(upstreams.gdc, known?.gdcDictionary ?? null)),
    ]);
    return { encodeProfiles, gdcDictionary: (gdc?.document as Json | undefined) ?? null, gdcDictionaryHash: gdc?.hash ?? null, problems };
  };
}
