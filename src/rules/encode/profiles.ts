import { collectionName, profileOfItemType, typeName } from './naming';

export type Json = Record<string, any>;

/** One ENCODE type as the portal knows it: its served profile and where it sits in the hierarchy. */
export interface TypeInfo {
  /** The profile name (`human_donor`): the schema file's name, what `createEntities` takes. */
  itemType: string;
  name: string;
  collection: string;
  /** Served profile: mixins merged, `mixinProperties` gone. */
  schema: Json;
  /** Abstract base types, most specific first (`Donor` for `HumanDonor`). */
  bases: string[];
  abstract: boolean;
  /** Concrete type names under an abstract type (the profile's `_subtypes`). */
  subtypes: string[];
  /** `[namespace, property]` pairs from `uniqueKey` (e.g. `['award:name','name']`, `['alias','aliases']`). */
  uniqueKeys: [string, string][];
  accessionType?: string;
}

/**
 * A set of types by profile, type name or collection, with the hierarchy: what the sandbox loads
 * from profile files and what the gateway reads from the portal's `/profiles/`.
 */
export class ProfileSet {
  readonly types = new Map<string, TypeInfo>();
  private readonly byName = new Map<string, TypeInfo>();
  private readonly byCollection = new Map<string, TypeInfo>();

  constructor(types: Iterable<TypeInfo>) {
    for (const info of types) {
      this.types.set(info.itemType, info);
      this.byName.set(info.name, info);
      this.byCollection.set(info.collection, info);
    }
  }

  /** By profile (`biosample`), type name (`Biosample`), collection (`biosamples`) or item_type (`rna-expression`). */
  get(name: string): TypeInfo | undefined {
    return (
      this.types.get(name) ??
      this.byName.get(name) ??
      this.byCollection.get(name) ??
      this.types.get(profileOfItemType(name)) ??
      this.types.get(name.toLowerCase())
    );
  }

  byCollectionName(name: string): TypeInfo | undefined {
    return this.byCollection.get(name);
  }

  /** Concrete types an item of `name` may be (itself, or an abstract type's subtypes). */
  concreteNames(name: string): string[] {
    const info = this.get(name);
    if (!info) return [];
    return info.abstract ? info.subtypes : [info.name];
  }

  /** Does an item of concrete profile `itemType` count as `name` (itself or one of its bases)? */
  isA(itemType: string, name: string): boolean {
    const info = this.types.get(itemType);
    return !!info && (info.name === name || info.bases.includes(name) || name === 'Item');
  }

  /** Type names an item of this profile answers to: its own, its bases, `Item` (a record's `@type`). */
  typeNamesOf(itemType: string): string[] {
    const info = this.types.get(itemType);
    return info ? [info.name, ...info.bases, 'Item'] : [];
  }
}

/**
 * Abstract bases whose chain a profile cannot state: series.json and file_set.json only pull in
 * mixins, yet encoded's Series and FileSet classes derive from Dataset.
 */
const BASE_PARENTS: Record<string, string> = { series: 'dataset', file_set: 'dataset' };

const NOT_PROFILES = new Set(['mixins', 'namespaces']);

/**
 * Profile files (`<profile>.json` → schema, with `mixins.json`) as encoded serves them:
 * `mixinProperties` resolved (`mixins.json#/x`, `dataset.json#/properties`), mixins merged in
 * order, the schema's own properties winning; the hierarchy from the `#/properties` references.
 */
export function typesFromFiles(raw: Map<string, Json>): TypeInfo[] {
  const bases = new Set<string>();
  for (const [, schema] of raw) {
    for (const ref of refsOf(schema)) if (ref.file !== 'mixins' && ref.pointer === 'properties') bases.add(ref.file);
  }
  const types: TypeInfo[] = [];
  for (const [itemType, schema] of raw) {
    if (NOT_PROFILES.has(itemType)) continue;
    const direct = refsOf(schema).filter((r) => bases.has(r.file)).map((r) => r.file);
    const info: TypeInfo = {
      itemType,
      name: typeName(itemType),
      collection: collectionName(itemType),
      schema: resolveMixins(itemType, schema, raw),
      bases: baseChain(direct).map(typeName),
      abstract: bases.has(itemType),
      subtypes: [],
      uniqueKeys: [],
    };
    info.uniqueKeys = uniqueKeysOf(itemType, info.schema);
    info.accessionType = info.schema.properties?.accession?.accessionType;
    types.push(info);
  }
  const byName = new Map(types.map((t) => [t.name, t]));
  for (const info of types) {
    if (info.abstract) continue;
    for (const base of info.bases) byName.get(base)?.subtypes.push(info.name);
  }
  for (const info of types) {
    info.schema._subtypes = info.abstract ? [...info.subtypes].sort() : [];
    info.schema['@type'] = ['JSONSchema'];
    Object.assign(info.schema.properties, calculatedProperties(info.itemType));
  }
  return types;
}

/**
 * The portal's `GET /profiles/` answer (`{TypeName: schema, …, _subtypes: {TypeName: [concrete]}}`)
 * as types: the profile from each schema's `id`, bases from the abstract types listing it.
 */
export function typesFromServed(all: Json): TypeInfo[] {
  const subtypesOf = (all._subtypes ?? {}) as Record<string, string[]>;
  const abstractNames = Object.entries(subtypesOf).filter(([name, subs]) => !(subs.length === 1 && subs[0] === name));
  const types: TypeInfo[] = [];
  for (const [name, schema] of Object.entries(all)) {
    if (name.startsWith('_') || name.startsWith('@') || !schema || typeof schema !== 'object' || !schema.properties) continue;
    const id = typeof schema.id === 'string' ? schema.id : '';
    const itemType = /\/profiles\/([^/]+)\.json$/.exec(id)?.[1] ?? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const abstract = abstractNames.some(([n]) => n === name);
    const bases = abstractNames
      .filter(([n, subs]) => n !== name && subs.includes(name))
      .sort((a, b) => a[1].length - b[1].length)
      .map(([n]) => n);
    types.push({
      itemType,
      name,
      collection: collectionName(itemType),
      schema,
      bases,
      abstract,
      subtypes: abstract ? [...(subtypesOf[name] ?? [])] : [],
      uniqueKeys: uniqueKeysOf(itemType, schema),
      accessionType: schema.properties?.accession?.accessionType,
    });
  }
  return types;
}

interface Ref {
  file: string;
  pointer: string;
}

function refsOf(schema: Json): Ref[] {
  return ((schema.mixinProperties as { $ref: string }[] | undefined) ?? []).map(({ $ref }) => {
    const [file, pointer = ''] = $ref.split('#');
    return { file: file.replace(/\.json$/, ''), pointer: pointer.replace(/^\//, '') };
  });
}

/** Bases most specific first: `[series, dataset]` for a series type. */
function baseChain(direct: string[]): string[] {
  const chain: string[] = [];
  const add = (b: string | undefined) => {
    while (b && !chain.includes(b)) {
      chain.push(b);
      b = BASE_PARENTS[b];
    }
  };
  const depth = (b: string): number => (BASE_PARENTS[b] ? 1 + depth(BASE_PARENTS[b]) : 0);
  [...direct].sort((a, b) => depth(b) - depth(a)).forEach(add);
  return chain;
}

function resolveMixins(itemType: string, schema: Json, raw: Map<string, Json>): Json {
  // snovault's mixinProperties: mixins merged key by key, last mixin first; the first value of a
  // key stays. Then the schema's own property keys override.
  const properties: Json = {};
  for (const ref of refsOf(schema).reverse()) {
    const source = raw.get(ref.file);
    if (!source) throw new Error(`profile ${itemType}.json: mixin file ${ref.file}.json not found`);
    // `dataset.json#/properties` is that file's own properties, as written (snovault's resolver
    // reads the raw file): its mixins do not come along.
    const props = ref.pointer.split('/').reduce<Json | undefined>((node, key) => node?.[key], source);
    if (!props) throw new Error(`profile ${itemType}.json: mixin ${ref.file}.json#/${ref.pointer} not found`);
    for (const [name, baseProp] of Object.entries(props as Json)) {
      const prop = (properties[name] ??= {});
      for (const [k, v] of Object.entries(baseProp as Json)) if (!(k in prop)) prop[k] = structuredClone(v);
    }
  }
  const { mixinProperties: _m, ...rest } = structuredClone(schema);
  for (const [name, ownProp] of Object.entries((rest.properties ?? {}) as Json)) {
    Object.assign((properties[name] ??= {}), ownProp);
  }
  return { ...rest, properties };
}

function uniqueKeysOf(itemType: string, schema: Json): [string, string][] {
  const out: [string, string][] = [];
  for (const [prop, def] of Object.entries((schema.properties ?? {}) as Json)) {
    const key = def.uniqueKey ?? def.items?.uniqueKey;
    if (key === true) out.push([`${itemType}:${prop}`, prop]);
    else if (typeof key === 'string') out.push([key, prop]);
  }
  return out;
}

/**
 * Properties encoded calculates in Python and adds to the served profile; snovault marks them
 * `notSubmittable` (calculated.py). The emulator computes the same ones (`@id`, `@type`, a
 * biosample type's `name`).
 */
function calculatedProperties(itemType: string): Json {
  const calculated = (title: string, type: string, extra: Json = {}) => ({ title, type, notSubmittable: true, ...extra });
  const props: Json = { '@id': calculated('ID', 'string'), '@type': calculated('Type', 'array', { items: { type: 'string' } }) };
  if (itemType === 'biosample_type') props.name = calculated('Name', 'string');
  return props;
}

/**
 * The profile as a caller sees it: encoded marks properties guarded by a permission the caller
 * lacks as `readonly` (encode_utils reads that to know what it may submit).
 */
export function profileFor(schema: Json, admin: boolean): Json {
  if (admin) return schema;
  const properties: Json = {};
  for (const [key, def] of Object.entries(schema.properties as Json)) properties[key] = def.permission ? { ...def, readonly: true } : def;
  return { ...schema, properties };
}
