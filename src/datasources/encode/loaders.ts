import DataLoader from 'dataloader';
import { recordBatch } from '../../metrics';
import { checkEncodeIdentifier } from '../grammar';
import type { EncodeApi } from './client';
import { chunkByLength, classifyIdentifier, identifiersOf, type IdentifierField } from './identifiers';
import type { EncodeRecord } from './models';

/** Individual GETs run at most this many at a time, to be gentle with the portal. */
const FALLBACK_CONCURRENCY = 8;

/**
 * Loads many records with one search per kind of identifier (repeated filters are OR-ed by the
 * portal). Ids the search misses — the index lags behind writes — are then read one by one from
 * the database.
 */
export async function loadRecords(api: EncodeApi, ids: readonly string[]): Promise<(EncodeRecord | null)[]> {
  const byField = new Map<IdentifierField, string[]>();
  for (const id of ids) {
    const { field, value } = classifyIdentifier(id);
    if (field) byField.set(field, [...(byField.get(field) ?? []), value]);
  }

  const found = new Map<string, EncodeRecord>();
  const searches: Promise<void>[] = [];
  for (const [field, values] of byField) {
    for (const chunk of chunkByLength(field, [...new Set(values)])) {
      searches.push(
        api
          .search({ type: 'Item', filters: chunk.map((v) => [field, v]), limit: 'all', frame: 'object' })
          .then((page) => {
            for (const record of page.records) for (const key of identifiersOf(record)) found.set(key, record);
          }),
      );
    }
  }
  await Promise.all(searches);

  const results = ids.map((id) => found.get(id) ?? found.get(classifyIdentifier(id).value) ?? null);
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

export interface EncodeLoaders {
  record: DataLoader<string, EncodeRecord | null>;
}

/** An id outside the identifier grammar fails alone, before any search or GET is built from it. */
async function loadValidRecords(api: EncodeApi, ids: readonly string[]): Promise<(EncodeRecord | null | Error)[]> {
  recordBatch('encode.record', ids.length);
  const checked = ids.map((id) => {
    try {
      return checkEncodeIdentifier(id);
    } catch (err) {
      return err as Error;
    }
  });
  const valid = checked.filter((c): c is string => typeof c === 'string');
  const loaded = valid.length ? await loadRecords(api, valid) : [];
  let next = 0;
  return checked.map((c) => (typeof c === 'string' ? loaded[next++] : c));
}

/** Built per request: the cache must never outlive one caller's credentials. */
export function createEncodeLoaders(api: EncodeApi): EncodeLoaders {
  return { record: new DataLoader((ids) => loadValidRecords(api, ids), { maxBatchSize: 1000 }) };
}
