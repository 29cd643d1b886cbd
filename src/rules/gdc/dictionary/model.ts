import type { JsonObject } from './resolve';
import type { RawDictionary } from './load';

export type Multiplicity = 'one_to_one' | 'one_to_many' | 'many_to_one' | 'many_to_many';

export interface LinkDef {
  name: string;
  backref: string;
  label: string;
  target_type: string;
  multiplicity: Multiplicity;
  required: boolean;
}

/** A top-level `links` entry: one link, or an (exclusive and/or required) group of them. */
export type LinkEntry = { kind: 'link'; link: LinkDef } | { kind: 'group'; exclusive: boolean; required: boolean; subgroup: LinkEntry[] };

/** An incoming edge seen from its target: `sample.cases` is backref `samples` on case. */
export interface Backref {
  name: string;
  sourceType: string;
  linkName: string;
}

/** What CSV/TSV coercion needs to know: the Python type gdcdatamodel would give the property. */
export type PropertyKind = 'str' | 'int' | 'float' | 'bool' | 'list';

export interface NodeType {
  type: string;
  schema: JsonObject;
  category: string;
  submittable: boolean;
  systemProperties: string[];
  uniqueKeys: string[][];
  /** uniqueKeys without the sets that contain `id` (psqlgraph's secondary keys). */
  secondaryKeys: string[][];
  required: string[];
  links: LinkEntry[];
  /** Every link of the type, flattened out of groups, by name. */
  linkByName: Map<string, LinkDef>;
  backrefs: Map<string, Backref>;
  /** Non-link properties, in schema order. */
  properties: string[];
  hasProjectId: boolean;
}

export class Dictionary {
  readonly types = new Map<string, NodeType>();

  constructor(readonly raw: RawDictionary) {
    for (const [type, schema] of Object.entries(raw.nodes)) this.types.set(type, buildNodeType(type, schema));
    for (const node of this.types.values()) {
      for (const link of node.linkByName.values()) {
        const target = this.types.get(link.target_type);
        // A reduced dictionary must keep every link target, or links to it would go unchecked.
        if (!target) throw new Error(`GDC dictionary: ${node.type}.${link.name} links to ${link.target_type}, which the dictionary does not define`);
        target.backrefs.set(link.backref, { name: link.backref, sourceType: node.type, linkName: link.name });
      }
    }
  }

  get(type: string): NodeType | undefined {
    return this.types.get(type);
  }

  typeNames(): string[] {
    return [...this.types.keys()];
  }

  /** Python type of a property, from its schema (`type`, or enum → str, or the first typed branch). */
  propertyKind(type: string, property: string): PropertyKind | null {
    const schema = (this.types.get(type)?.schema.properties as JsonObject | undefined)?.[property];
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return null;
    return kindOf(schema as JsonObject);
  }

  /** The item kind of an array property. */
  itemKind(type: string, property: string): PropertyKind {
    const schema = (this.types.get(type)?.schema.properties as JsonObject | undefined)?.[property] as JsonObject | undefined;
    const items = schema?.items;
    return items && typeof items === 'object' && !Array.isArray(items) ? (kindOf(items as JsonObject) ?? 'str') : 'str';
  }
}

const KIND: Record<string, PropertyKind> = { string: 'str', integer: 'int', number: 'float', boolean: 'bool', array: 'list' };

function kindOf(schema: JsonObject): PropertyKind | null {
  const t = schema.type;
  if (typeof t === 'string') return KIND[t] ?? 'str';
  if (Array.isArray(t)) {
    const first = t.find((x) => x !== 'null');
    return typeof first === 'string' ? (KIND[first] ?? 'str') : 'str';
  }
  if ('enum' in schema) return 'str';
  for (const key of ['oneOf', 'anyOf']) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const b of branches) {
      if (b && typeof b === 'object' && !Array.isArray(b)) {
        const k = kindOf(b as JsonObject);
        if (k && (b as JsonObject).type !== 'null') return k;
      }
    }
  }
  return null;
}

function parseLinks(raw: unknown): LinkEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): LinkEntry[] => {
    if (!entry || typeof entry !== 'object') return [];
    const e = entry as JsonObject;
    if (Array.isArray(e.subgroup)) {
      return [{ kind: 'group', exclusive: e.exclusive === true, required: e.required === true, subgroup: parseLinks(e.subgroup) }];
    }
    if (typeof e.name !== 'string') return [];
    return [
      {
        kind: 'link',
        link: {
          name: e.name,
          backref: String(e.backref),
          label: String(e.label),
          target_type: String(e.target_type),
          multiplicity: String(e.multiplicity) as Multiplicity,
          required: e.required === true,
        },
      },
    ];
  });
}

function flatten(entries: LinkEntry[], into: Map<string, LinkDef>): Map<string, LinkDef> {
  for (const e of entries) {
    if (e.kind === 'link') into.set(e.link.name, e.link);
    else flatten(e.subgroup, into);
  }
  return into;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function buildNodeType(type: string, schema: JsonObject): NodeType {
  const links = parseLinks(schema.links);
  const linkByName = flatten(links, new Map());
  const props = (schema.properties && typeof schema.properties === 'object' ? schema.properties : {}) as JsonObject;
  const uniqueKeys = Array.isArray(schema.uniqueKeys) ? schema.uniqueKeys.map(stringList) : [];
  return {
    type,
    schema,
    category: String(schema.category ?? ''),
    submittable: schema.submittable === true,
    systemProperties: stringList(schema.systemProperties),
    uniqueKeys,
    secondaryKeys: uniqueKeys.filter((keys) => !keys.includes('id')),
    required: stringList(schema.required),
    links,
    linkByName,
    backrefs: new Map(),
    properties: Object.keys(props).filter((p) => !linkByName.has(p)),
    hasProjectId: 'project_id' in props,
  };
}
