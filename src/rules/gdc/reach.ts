/**
 * What a caller may make the gateway ask GDC for where a type goes into a URL path
 * (`/_dictionary/<type>`, `/template/<type>`): the dictionary's node types only, not the API's
 * other documents and endpoints (`_settings`, `_definitions`, anything else under those paths).
 * `_all` (the whole dictionary) only where the gateway itself asks for it.
 */

/** Keys of `GET /_dictionary/_all` that are documents beside the node schemas, not node types. */
const NOT_NODES = new Set(['metaschema']);

/** The node types of a dictionary as `/_dictionary/_all` serves it. */
export function nodeTypesOf(all: unknown): Set<string> {
  const types = new Set<string>();
  if (!all || typeof all !== 'object') return types;
  for (const [key, value] of Object.entries(all as Record<string, unknown>)) {
    if (!key.startsWith('_') && !NOT_NODES.has(key) && value && typeof value === 'object') types.add(key);
  }
  return types;
}

/** Why `type` may not go into a GDC path; null when it may. */
export function unreachableNodeType(type: string, nodeTypes: ReadonlySet<string>, options: { allowAll?: boolean } = {}): string | null {
  if (type === '_all' && options.allowAll) return null;
  if (nodeTypes.has(type)) return null;
  if (type.startsWith('_')) return `'${type}' is not a node type of the GDC dictionary (names starting with _ are the API's own documents)`;
  return `the GDC dictionary has no node type '${type}'`;
}
