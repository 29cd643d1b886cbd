import DataLoader from 'dataloader';
import { recordBatch } from '../../metrics';
import type { GdcApi } from './client';
import { parseProject } from './client';
import type { GdcEntity } from './models';

/** Keeps one GET's URL to a reasonable length (36-character uuids, comma-joined). */
const IDS_PER_REQUEST = 150;

export interface GdcEntityKey {
  project: string;
  id: string;
}

/** Groups the ids asked in one tick by project, so each project costs one GET /entities/<ids>. */
export async function loadEntities(api: GdcApi, keys: readonly GdcEntityKey[]): Promise<(GdcEntity | null)[]> {
  const byProject = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const indexes = byProject.get(k.project);
    if (indexes) indexes.push(i);
    else byProject.set(k.project, [i]);
  });
  const results: (GdcEntity | null)[] = new Array(keys.length).fill(null);
  await Promise.all(
    [...byProject].flatMap(([project, indexes]) => {
      const ref = parseProject(project);
      const chunks: number[][] = [];
      for (let i = 0; i < indexes.length; i += IDS_PER_REQUEST) chunks.push(indexes.slice(i, i + IDS_PER_REQUEST));
      return chunks.map(async (chunk) => {
        const entities = await api.getEntities(ref, chunk.map((i) => keys[i].id));
        chunk.forEach((i, j) => (results[i] = entities[j]));
      });
    }),
  );
  return results;
}

/** GETs `loadEntities` sends for these ids of one project at the least (distinct ids, IDS_PER_REQUEST each). */
export function entityRequestsFor(ids: readonly string[]): number {
  return Math.ceil(new Set(ids).size / IDS_PER_REQUEST);
}

export interface GdcLoaders {
  entity: DataLoader<GdcEntityKey, GdcEntity | null, string>;
}

/** Built per request: the cache must never outlive one caller's token. */
export function createGdcLoaders(api: GdcApi): GdcLoaders {
  return {
    entity: new DataLoader((keys) => (recordBatch('gdc.entity', keys.length), loadEntities(api, keys)), {
      cacheKeyFn: (k) => `${k.project}\u0000${k.id}`,
      maxBatchSize: 1000,
    }),
  };
}
