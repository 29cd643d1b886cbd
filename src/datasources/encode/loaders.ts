import DataLoader from 'dataloader';
import { recordBatch } from '../../metrics';
import type { EncodeApi } from './client';
import { type ClassifiedId, chunkByLength, classifyIdentifier, identifiersOf, type IdentifierField } from './identifiers';
import type { EncodeRecord } from './models';
import { TimeSlices } from '../../time-slices';

/**
 * Shared by every batch of the process: DataLoader starts all batches of a 20,000-id load at once,
 * and together they give the event loop back as often as one would (they held it ~700 ms).
 */
const slices = new TimeSlices();

/** Individual GETs run at most this many at a time, to be gentle with the portal. */
const FALLBACK_CONCURRENCY = 8;

/**
 * Loads many records with one search per kind of identifier (repeated filters are OR-ed by the
 * portal). Ids the search misses — the index lags behind writes — are then read one by one from
 * the database. One id alone is one GET: a search scans the index and costs far more.
 */
export async function loadRecords(api: EncodeApi, ids: readonly string[], fallback = true): Promise<(EncodeRecord | null)[]> {
  if (ids.length === 1 && fallback) return [await api.getRecord(ids[0], 'object')];
  const byField = new Map<IdentifierField, string[]>();
  for (const id of ids) {
    await slices.pause();
    const { field, value } = searchKey(id);
    if (!field) continue;
    const values = byField.get(field);
    if (values) values.push(value);
    else byField.set(field, [value]);
  }

  const found = new Map<string, EncodeRecord>();
  const searches: Promise<void>[] = [];
  for (const [field, values] of byField) {
    for (const chunk of chunkByLength(field, [...new Set(values)])) {
      // Each search's URL is built and sent here: 20,000 ids make hundreds of them.
      await slices.pause();
      const search = api.search({ type: 'Item', filters: chunk.map((v) => [field, v]), limit: 'all', frame: 'object' }).then((page) => {
        for (const record of page.records) for (const key of identifiersOf(record)) found.set(key, record);
      });
      // Awaited below; until then (the pauses above) a failed search is not an unhandled rejection.
      search.catch(() => undefined);
      searches.push(search);
    }
  }
  await Promise.all(searches);

  const results: (EncodeRecord | null)[] = [];
  for (const id of ids) {
    await slices.pause();
    results.push(found.get(id) ?? found.get(classifyIdentifier(id).value) ?? null);
  }
  if (!fallback) return results;
  const missing = ids.flatMap((id, i) => (results[i] ? [] : [i]));
  for (let start = 0; start < missing.length; start += FALLBACK_CONCURRENCY) {
    await Promise.all(
      missing.slice(start, start + FALLBACK_CONCURRENCY).map(async (i) => {
        results[i] = await api.getRecord(ids[i], 'object');
      }),
    );
  }
  return results;
}

/**
 * The shortest filter that finds an identifier, so one level of links fits one search URL: an @id
 * path whose key is a uuid or an accession (`/replicates/<uuid>/`, `/libraries/ENCLB…/`) is
 * searched by that key, which is unique across types.
 */
function searchKey(id: string): ClassifiedId {
  const classified = classifyIdentifier(id);
  if (classified.field !== '@id') return classified;
  const key = decodeURIComponent(classified.value.split('/').filter(Boolean).pop() ?? '');
  const inner = classifyIdentifier(key);
  return inner.field === 'uuid' || inner.field === 'accession' ? inner : classified;
}

export interface EncodeLoaders {
  record: DataLoader<string, EncodeRecord | null>;
  /** Caches a record under every identifier it answers to, so asking for it again by any of them is free. */
  prime(record: EncodeRecord): void;
  /**
   * Search only, no database reads for misses: for checking that hundreds of new aliases are
   * free, where a miss is the expected answer (a record indexed seconds late is then missed).
   */
  indexed: DataLoader<string, EncodeRecord | null>;
}

/**
 * An id outside the identifier grammar, or naming something other than a record (`/users/x/`,
 * `/_sandbox/faults/`: rules/encode/reach.ts), fails alone, before any search or GET is built from it.
 */
async function loadValidRecords(api: EncodeApi, ids: readonly string[], fallback = true): Promise<(EncodeRecord | null | Error)[]> {
  recordBatch(fallback ? 'encode.record' : 'encode.indexed', ids.length);
  const checked: (string | Error)[] = [];
  for (const id of ids) {
    await slices.pause();
    checked.push(await api.checkIdentifier(id).catch((err: Error) => err));
  }
  const valid = checked.filter((c): c is string => typeof c === 'string');
  const loaded = valid.length ? await loadRecords(api, valid, fallback) : [];
  let next = 0;
  return checked.map((c) => (typeof c === 'string' ? loaded[next++] : c));
}

/**
 * Searches `loadRecords` sends for these ids at the least (one per URL-length chunk of each kind
 * of identifier; misses then cost a GET each), so a list beyond the call cap is refused unsent.
 */
export function recordRequestsFor(ids: readonly string[]): number {
  if (ids.length <= 1) return ids.length;
  const byField = new Map<IdentifierField, Set<string>>();
  for (const id of ids) {
    const { field, value } = searchKey(id);
    if (!field) continue;
    const values = byField.get(field);
    if (values) values.add(value);
    else byField.set(field, new Set([value]));
  }
  let searches = 0;
  for (const [field, values] of byField) searches += chunkByLength(field, [...values]).length;
  return searches;
}

/** Built per request: the cache must never outlive one caller's credentials. */
export function createEncodeLoaders(api: EncodeApi): EncodeLoaders {
  const prime = (record: EncodeRecord) => {
    for (const id of identifiersOf(record)) record_.prime(id, record);
  };
  const record_: DataLoader<string, EncodeRecord | null> = new DataLoader(
    async (ids) => {
      const records = await loadValidRecords(api, ids);
      for (const r of records) if (r && !(r instanceof Error)) prime(r);
      return records;
    },
    { maxBatchSize: 1000 },
  );
  return {
    record: record_,
    prime,
    indexed: new DataLoader((ids) => loadValidRecords(api, ids, false), { maxBatchSize: 1000 }),
  };
}
