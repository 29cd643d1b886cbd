import fs from 'node:fs';
import path from 'node:path';
import { collectionName, typeName } from '../../rules/encode/naming';
import { addReverseLinkProperties } from './reverse-links';

export type Json = Record<string, any>;

/** One ENCODE type as the portal knows it: its served profile and where it sits in the hierarchy. */
export interface TypeInfo {
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
 * Abstract bases whose chain a profile cannot state: series.json and file_set.json only pull in
 * mixins, yet encoded's Series and FileSet classes derive from Dataset.
 */
const BASE_PARENTS: Record<string, string> = { series: 'dataset', file_set: 'dataset' };

const NOT_PROFILES = new Set(['mixins', 'namespaces']);

/**
 * Loads a profiles folder as encoded serves it: `mixinProperties` resolved (`mixins.json#/x`,
 * `dataset.json#/properties`), mixins merged in order, the schema's own properties winning.
 */
export class ProfileRegistry {
  readonly types = new Map<string, TypeInfo>();
  private readonly byName = new Map<string, TypeInfo>();
  private readonly byCollection = new Map<string, TypeInfo>();

  constructor(readonly dir: string) {
    if (!fs.existsSync(path.join(dir, 'mixins.json'))) {
      throw new Error(`ENCODE profiles folder ${dir} has no mixins.json (set SANDBOX_ENCODE_PROFILES to a folder of ENCODE profiles)`);
    }
    const raw = new Map<string, Json>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      raw.set(file.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Json);
    }
    const bases = new Set<string>();
    for (const [, schema] of raw) {
      for (const ref of refsOf(schema)) if (ref.file !== 'mixins' && ref.pointer === 'properties') bases.add(ref.file);
    }
    for (const [itemType, schema] of raw) {
      if (NOT_PROFILES.has(itemType)) continue;
      const direct = refsOf(schema).filter((r) => bases.has(r.file)).map((r) => r.file);
      const chain = baseChain(direct);
      const info: TypeInfo = {
        itemType,
        name: typeName(itemType),
        collection: collectionName(itemType),
        schema: resolveMixins(itemType, schema, raw),
        bases: chain.map(typeName),
        abstract: bases.has(itemType),
        subtypes: [],
        uniqueKeys: [],
      };
      info.uniqueKeys = uniqueKeysOf(itemType, info.schema);
      info.accessionType = info.schema.properties?.accession?.accessionType;
      this.types.set(itemType, info);
      this.byName.set(info.name, info);
      this.byCollection.set(info.collection, info);
    }
    for (const info of this.types.values()) {
      if (info.abstract) continue;
      for (const base of info.bases) this.byName.get(base)?.subtypes.push(info.name);
    }
    for (const info of this.types.values()) {
      info.schema._subtypes = info.abstract ? [...info.subtypes].sort() : [];
      info.schema['@type'] = ['JSONSchema'];
      Object.assign(info.schema.properties, calculatedProperties(info.itemType));
    }
    addReverseLinkProperties(this);
  }

  /** By item_type (`biosample`), type name (`Biosample`) or collection (`biosamples`). */
  get(name: string): TypeInfo | undefined {
    return this.types.get(name) ?? this.byName.get(name) ?? this.byCollection.get(name) ?? this.types.get(name.toLowerCase());
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

  /** Does an item of concrete type `itemType` count as `name` (itself or one of its bases)? */
  isA(itemType: string, name: string): boolean {
    const info = this.types.get(itemType);
    return !!info && (info.name === name || info.bases.includes(name) || name === 'Item');
  }
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
 * Properties encoded calculates in Python and adds to the served profile as `notSubmittable`; the
 * emulator computes the same ones (`@id`, `@type`, a biosample type's `name`).
 */
function calculatedProperties(itemType: string): Json {
  const calculated = (title: string, type: string, extra: Json = {}) => ({ title, type, calculatedProperty: true, notSubmittable: true, ...extra });
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
