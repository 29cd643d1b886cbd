/**
 * gdcdictionary's `$ref` rules, reproduced rather than delegated to a JSON-Schema library, because the
 * dictionary depends on their quirks: a `$ref` (string or list) is popped and the referenced object is
 * merged over the holder (`obj.update(resolved)`), so referenced keys override sibling keys, and the
 * resolution mutates the shared sources in place (which is why `_definitions` in `_all` is half-resolved).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One loaded YAML file by file name (`case.yaml`, `_definitions.yaml`). */
export type Sources = Record<string, JsonObject>;

export class RefError extends Error {}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 6901 pointer lookup, as jsonschema's RefResolver does for `#/a/b`. */
export function pointer(root: Json, fragment: string): Json {
  if (fragment === '' || fragment === '/') return fragment === '' ? root : (root as JsonObject)[''];
  let cur: Json = root;
  for (const raw of fragment.replace(/^\//, '').split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isObject(cur) && part in cur) cur = cur[part];
    else throw new RefError(`Unresolvable JSON pointer: '${fragment}'`);
  }
  return cur;
}

export class RefResolver {
  constructor(private readonly sources: Sources) {}

  private reference(value: string, root: Json): Json {
    const hash = value.indexOf('#');
    if (hash < 0) throw new RefError(`Unsupported $ref '${value}' (no fragment)`);
    const base = value.slice(0, hash);
    const fragment = value.slice(hash + 1);
    if (base) {
      const source = this.sources[base];
      if (!source) throw new RefError(`$ref '${value}' names an unknown file '${base}'`);
      const resolution = pointer(source, fragment);
      // gdcdictionary resolves the target in place (against its own file) before merging it.
      this.resolve(resolution, source);
      return resolution;
    }
    return pointer(root, fragment);
  }

  /** Returns the resolved copy of `obj`; like the Python original it also mutates `obj` on the way. */
  resolve(obj: Json, root: Json): Json {
    if (Array.isArray(obj)) return obj.map((item) => this.resolve(item, root));
    if (!isObject(obj)) return obj;
    if ('$ref' in obj) {
      const refs = obj.$ref;
      delete obj.$ref;
      for (const ref of Array.isArray(refs) ? refs : [refs]) {
        if (typeof ref !== 'string') throw new RefError(`$ref must be a string, got ${JSON.stringify(ref)}`);
        const resolved = this.reference(ref, root);
        if (isObject(resolved)) Object.assign(obj, resolved);
        else throw new RefError(`$ref '${ref}' does not point at an object`);
      }
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(obj)) out[k] = this.resolve(v, root);
    return out;
  }
}

/** Resolves every node file (all but the excluded definition files) the way GDCDictionary.load_directory does. */
export function resolveNodes(sources: Sources, exclude: readonly string[]): Record<string, JsonObject> {
  const resolver = new RefResolver(sources);
  const nodes: Record<string, JsonObject> = {};
  for (const file of Object.keys(sources).sort()) {
    if (exclude.includes(file)) continue;
    const schema = sources[file];
    const root = structuredClone(schema);
    let resolved: JsonObject;
    try {
      resolved = resolver.resolve(schema, root) as JsonObject;
    } catch (err) {
      throw err instanceof RefError ? new RefError(`${file}: ${err.message}`) : err;
    }
    nodes[String(resolved.id)] = resolved;
  }
  return nodes;
}
