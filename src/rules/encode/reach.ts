import { identifierKind } from './identifiers';
import type { ProfileSet } from './profiles';

/**
 * What a caller may make the gateway read or write on the portal with the operator's credentials:
 * submission records only. A path's first segment must be the collection (or item type) of a
 * profile the portal serves, minus the portal's own machinery: access keys (credentials), users
 * (people; ENCODE_ALLOW_USERS=true lets them through) and anything starting with `_` or `@@`
 * (admin views such as `/_indexer`, `@@listing`). Accessions, uuids, aliases and `md5:` resolve
 * to records at the root; the record that answers is checked too (`reachableRecord`), because a
 * uuid can name a user. A bare key (`sandbox-lab`) is a record only inside its collection: at the
 * root the portal resolves it as a collection listing, a page or a view, so it is refused.
 */
export interface ReachPolicy {
  /** ENCODE_ALLOW_USERS: user records (`/users/…`) are reachable too. */
  allowUsers: boolean;
}

export const DEFAULT_REACH: ReachPolicy = { allowUsers: false };

/** Collections (and item types) that hold credentials, never records to submit. */
const CREDENTIALS = new Set(['access-keys', 'access_key']);
const USERS = new Set(['users', 'user']);

/** Why records of this collection (or item type) may not be reached; null when they may. */
export function unreachableCollection(collection: string, profiles: ProfileSet | null, policy: ReachPolicy): string | null {
  if (collection.startsWith('_') || collection.startsWith('@@')) return `'${collection}' is the portal's own machinery, not a collection of records`;
  if (CREDENTIALS.has(collection)) return 'access keys are credentials, not submission records';
  if (USERS.has(collection) && !policy.allowUsers) return 'users are not submission records (ENCODE_ALLOW_USERS=true makes them reachable)';
  // Profiles not served (an outage of /profiles/): only the names above are known to be refused.
  if (!profiles) return null;
  const info = profiles.byCollectionName(collection) ?? profiles.types.get(collection);
  if (!info) return `the portal serves no profile whose collection is '${collection}'`;
  // A type's collection and item type may each be asked; both must pass the rules above.
  if (info.collection !== collection) return unreachableCollection(info.collection, profiles, policy);
  return null;
}

/**
 * Why a caller-given identifier may not become an upstream path; null when it may. Grammar (dot
 * segments, separators) is checked elsewhere (datasources/grammar.ts); this is about what is named.
 */
export function unreachableIdentifier(id: string, profiles: ProfileSet | null, policy: ReachPolicy): string | null {
  const kind = identifierKind(id);
  if (kind === 'key') {
    return 'a bare key names a record only inside its collection: give its @id path (/labs/<name>/), uuid, accession or alias';
  }
  if (kind !== 'path') return null;
  const segments = id.split('/').filter(Boolean);
  if (segments.length !== 2) return 'an @id path is /<collection>/<key>/';
  const [collection, key] = segments;
  if (key.startsWith('@@') || key.startsWith('_')) return `'${key}' is a view of the portal, not a record`;
  return unreachableCollection(collection, profiles, policy);
}

/** Is a record the portal answered one the caller may see (a uuid may name a user or an access key)? */
export function reachableRecord(record: { '@id'?: unknown }, profiles: ProfileSet | null, policy: ReachPolicy): boolean {
  const atId = record['@id'];
  if (typeof atId !== 'string') return true;
  const collection = atId.split('/').filter(Boolean)[0];
  return !collection || unreachableCollection(collection, profiles, policy) === null;
}

/** Why a search of this type may not be sent (`User`, `AccessKey`); null when it may. Unknown types are the portal's to refuse. */
export function unreachableSearchType(type: string, profiles: ProfileSet | null, policy: ReachPolicy): string | null {
  if (type === 'Item') return null;
  if (!profiles) return /^(User|AccessKey)$/.test(type) ? unreachableCollection(type === 'User' ? 'users' : 'access-keys', null, policy) : null;
  const info = profiles.get(type);
  if (!info) return null;
  return unreachableCollection(info.collection, profiles, policy);
}
