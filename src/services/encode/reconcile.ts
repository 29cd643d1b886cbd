import type { EncodeApi } from '../../datasources/encode/client';
import type { EncodeRecord } from '../../datasources/encode/models';

/** What looking a record up by its keys found, and what was checked to find it. */
export interface Lookup {
  record: EncodeRecord | null;
  /** The key that found it. */
  via: string;
  /** Keys looked up (in the database, not the lagging search index). */
  checked: string[];
  /** Why a lookup could not be made; then absence is not proven. */
  failed?: string;
}

/**
 * After a write's answer was lost: is the record there? Each key (alias, `md5:`) is read from
 * the database in turn; the first that answers wins. Absence is proven only when every key was
 * read and none answered.
 */
export async function lookUp(api: EncodeApi, keys: string[]): Promise<Lookup> {
  const checked: string[] = [];
  for (const key of keys) {
    checked.push(key);
    try {
      const record = await api.getRecord(key, 'object', true);
      if (record) return { record, via: key, checked };
    } catch (err) {
      return { record: null, via: '', checked, failed: (err as Error).message };
    }
  }
  return { record: null, via: '', checked };
}
