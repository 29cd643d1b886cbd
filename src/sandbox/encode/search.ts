import { badRequest } from './errors';
import type { Frame, Portal } from './portal';
import type { Principal } from './principals';
import type { Json } from './profiles';
import type { Item } from './store';

/** Query parameters that steer a search rather than filter it. */
const CONTROLS = new Set(['type', 'limit', 'field', 'frame', 'format', 'datastore', 'sort', 'searchTerm', 'from', 'mode', 'config', 'referrer']);

export interface SearchAnswer {
  status: 200 | 404;
  body: Json;
}

/**
 * `/search/`: `type` (OR-ed, abstract types included), filters where repeated values of one field
 * are OR-ed and different fields AND-ed, `field!=v` negates, `field=*` means present; dotted fields
 * follow links (`lab.name`). No hits is HTTP 404 with `notification: "No results found"`.
 */
export function search(portal: Portal, p: Principal, rawQuery: string): SearchAnswer {
  const params = new URLSearchParams(rawQuery);
  const types = params.getAll('type');
  for (const t of types) if (t !== 'Item' && portal.profiles.get(t)?.name !== t) throw badRequest(`Invalid type: ${t}`);

  const filters = new Map<string, { negate: boolean; values: string[] }>();
  for (const [rawKey, value] of params) {
    if (CONTROLS.has(rawKey)) continue;
    const negate = rawKey.endsWith('!');
    const key = negate ? rawKey.slice(0, -1) : rawKey;
    const id = `${key}${negate ? '!' : ''}`;
    const f = filters.get(id) ?? { negate, values: [] };
    f.values.push(value);
    filters.set(id, f);
  }

  const frame: Frame = params.get('frame') === 'embedded' ? 'embedded' : 'object';
  const hits: Json[] = [];
  for (const item of candidates(portal, filters) ?? portal.store.searchable()) {
    if (types.length && !types.some((t) => portal.profiles.isA(item.itemType, t))) continue;
    if (!portal.canRead(p, item)) continue;
    if (![...filters].every(([key, f]) => matches(portal, p, item, key.replace(/!$/, ''), f))) continue;
    hits.push(portal.render(item, frame, p));
  }

  const limitParam = params.get('limit') ?? '25';
  const limit = limitParam === 'all' ? Infinity : Number(limitParam) > 9999 ? Infinity : Math.max(0, Number(limitParam) || 25);
  const from = Math.max(0, Math.trunc(Number(params.get('from') ?? 0)) || 0);
  const fields = params.getAll('field');
  const graph = hits.slice(from, from + limit).map((r) => (fields.length ? pick(r, fields) : r));
  const query = params.toString();
  const body: Json = {
    '@context': '/terms/',
    '@graph': graph,
    '@id': `/search/?${query}`,
    '@type': ['Search'],
    all: `/search/?${query}&limit=all`,
    clear_filters: `/search/?${types.map((t) => `type=${encodeURIComponent(t)}`).join('&')}`,
    columns: {},
    facets: [],
    filters: filterLinks(params),
    notification: hits.length ? 'Success' : 'No results found',
    sort: {},
    title: 'Search',
    total: hits.length,
  };
  return { status: hits.length ? 200 : 404, body };
}

/** Identifier fields the store indexes: a filter on one finds its few items without a scan. */
const INDEXED: Record<string, (portal: Portal, value: string) => Item | undefined> = {
  uuid: (portal, v) => portal.store.get(v.toLowerCase()),
  accession: (portal, v) => portal.store.byKey('accession', v),
  aliases: (portal, v) => portal.store.byKey('alias', v),
  '@id': (portal, v) => portal.ids.path(v),
};

/** The items an identifier filter can match (each then goes through every filter), or null to scan all. */
function candidates(portal: Portal, filters: Map<string, { negate: boolean; values: string[] }>): Item[] | null {
  for (const [key, f] of filters) {
    const find = INDEXED[key];
    if (!find || f.negate || f.values.includes('*')) continue;
    const found = new Map<string, Item>();
    for (const v of f.values) {
      const item = find(portal, v);
      if (item && portal.store.isSearchable(item.uuid)) found.set(item.uuid, item);
    }
    return [...found.values()];
  }
  return null;
}

function matches(portal: Portal, p: Principal, item: Item, field: string, f: { negate: boolean; values: string[] }): boolean {
  const found = valuesAt(portal, p, item, field.split('.'));
  const hit = f.values.some((v) => (v === '*' ? found.length > 0 : found.includes(v)));
  return f.negate ? !hit : hit;
}

/** Scalars at a dotted path in the object frame, following `@id` links into linked items. */
function valuesAt(portal: Portal, p: Principal, item: Item, path: string[]): string[] {
  let nodes: unknown[] = [portal.objectFrame(item, p)];
  for (const [i, key] of path.entries()) {
    const next: unknown[] = [];
    for (const node of nodes) {
      let v = node && typeof node === 'object' ? (node as Json)[key] : undefined;
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) {
        if (typeof x === 'string' && x.startsWith('/') && i < path.length - 1) {
          const linked = portal.ids.path(x);
          if (linked) next.push(portal.objectFrame(linked, p));
        } else next.push(x);
      }
      v = undefined;
    }
    nodes = next;
  }
  return nodes.filter((n) => n !== null && typeof n !== 'object').map(String);
}

function pick(record: Json, fields: string[]): Json {
  const out: Json = { '@id': record['@id'], '@type': record['@type'] };
  for (const f of fields) {
    const top = f.split('.')[0];
    if (top in record) out[top] = record[top];
  }
  return out;
}

/**
 * The portal's `filters`: each filter with the search that drops it. Built from slices of the query
 * string (cheap ropes), not a new query per filter: lookups send hundreds of terms.
 */
function filterLinks(params: URLSearchParams): Json[] {
  const query = params.toString();
  const out: Json[] = [];
  let at = 0;
  for (const [key, term] of params) {
    const encoded = new URLSearchParams([[key, term]]).toString();
    const start = query.indexOf(encoded, at);
    const end = start + encoded.length;
    at = end;
    if (CONTROLS.has(key)) continue;
    const rest = start > 0 ? query.slice(0, start - 1) + query.slice(end) : query.slice(end + 1);
    out.push({ field: key, term, remove: `/search/?${rest}` });
  }
  return out;
}
