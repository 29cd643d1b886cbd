import type { Json } from './profiles';

/**
 * Rewrites every link value a schema declares (`linkTo` on a property, an array's items, or nested
 * objects' properties): to uuids when storing, to `@id` paths when rendering.
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
