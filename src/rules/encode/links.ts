import type { Json } from './profiles';

/**
 * Rewrites every link value a schema declares (`linkTo` on a property, an array's items, or nested
 * objects' properties): to uuids when storing, to `@id` paths when rendering, to lookups when
 * checking.
 */
export function mapLinks(schema: Json | undefined, value: unknown, fn: (link: string, schema: Json) => unknown): unknown {
  if (!schema) return value;
  if (schema.linkTo && typeof value === 'string') return fn(value, schema);
  if (Array.isArray(value)) return schema.items ? value.map((v) => mapLinks(schema.items, v, fn)) : value;
  if (value && typeof value === 'object' && schema.properties) {
    const out: Json = { ...(value as Json) };
    for (const [key, sub] of Object.entries(schema.properties as Json)) if (key in out) out[key] = mapLinks(sub, out[key], fn);
    return out;
  }
  return value;
}

/** One link a record makes: where (`documents`, `introduced_tags[0].promoter_details`), what it names, which types it may name. */
export interface LinkRef {
  property: string;
  location: string;
  value: string;
  linkTo: string[];
}

const linkedOf = new WeakMap<Json, ReadonlySet<string>>();

/** The properties of a profile that may hold a link (a `linkTo` anywhere in their schema), in profile order. */
export function linkProperties(profile: Json): ReadonlySet<string> {
  let names = linkedOf.get(profile);
  if (!names) {
    const holdsLink = (s: unknown): boolean => !!s && typeof s === 'object' && ('linkTo' in (s as Json) || Object.values(s as Json).some(holdsLink));
    names = new Set(Object.entries((profile.properties ?? {}) as Json).flatMap(([name, def]) => (holdsLink(def) ? [name] : [])));
    linkedOf.set(profile, names);
  }
  return names;
}

/**
 * Every link value in `keys` of a record (all keys by default), in document order. Keys are
 * matched against the profile's link properties first, so a record of 40,000 unknown keys costs
 * one set lookup per key rather than a walk each.
 */
export function linksOf(profile: Json, record: Json, keys: string[] = Object.keys(record)): LinkRef[] {
  const properties = (profile.properties ?? {}) as Json;
  const linked = linkProperties(profile);
  const links: LinkRef[] = [];
  const walk = (schema: Json | undefined, value: unknown, property: string, location: string) => {
    if (!schema) return;
    if (schema.linkTo && typeof value === 'string') {
      links.push({ property, location, value, linkTo: ([] as string[]).concat(schema.linkTo) });
    } else if (Array.isArray(value) && schema.items) {
      value.forEach((v, i) => walk(schema.items, v, property, `${location}[${i}]`));
    } else if (value && typeof value === 'object' && schema.properties) {
      for (const [key, sub] of Object.entries(schema.properties as Json)) {
        if (key in (value as Json)) walk(sub, (value as Json)[key], property, `${location}.${key}`);
      }
    }
  };
  for (const key of keys) if (linked.has(key)) walk(properties[key], record[key], key, key);
  return links;
}
