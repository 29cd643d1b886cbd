/**
 * The ENCODE part of the graph as a model, read from what the portal serves at
 * `/profiles/?format=json`: one entry per profile (keyed by type name, mixins already merged,
 * calculated properties included) plus `_subtypes`, which says which profiles are abstract.
 */
import { collectionName } from '../../rules/encode/naming';
import { describe } from '../names';
import { type Json, NamedTypes, type ObjectField, objectFields, type Shape, type ShapeContext } from '../shapes';

export interface EncodeTypeModel {
  /** The portal's type name: `Biosample`, `AntibodyLot`, `HiCQualityMetric`. */
  name: string;
  /** `EncodeBiosample`. */
  gqlName: string;
  /** `biosample`: the profile file name and the `<profile>(id:)` query field. */
  itemType: string;
  /** `genetic-modifications`: the portal's collection, as in `@id` paths. */
  collectionPath: string;
  /** `genetic_modifications`: the collection with `-` as `_` is the list query field. */
  listField: string;
  abstract: boolean;
  /** Concrete types under an abstract one. */
  subtypes: string[];
  /** Abstract types this one belongs to (`Donor` for `HumanDonor`; `Dataset` and `Series` for a series). */
  bases: string[];
  description?: string;
  /** Profile properties, except those the `EncodeRecord` interface maps (`@id`, `@type`, `uuid`, `status`). */
  fields: ObjectField[];
  /** What a POST accepts: submittable properties, `uuid` and `status` included. */
  inputFields: ObjectField[];
}

export interface EncodeGraphModel {
  types: Map<string, EncodeTypeModel>;
  /** Unions for links to several types: union name → concrete type names. */
  unions: Map<string, string[]>;
  named: NamedTypes;
}

/** Fields every record has through the `EncodeRecord` interface; profile properties never take these names. */
export const RECORD_FIELDS = ['id', 'uuid', 'atId', 'atType', 'status', 'raw'];
/** Profile properties the interface fields stand for. */
const INTERFACE_PROPERTIES = new Set(['uuid', 'status']);
/** Calculated on every record; the interface's `atId` and `atType`. */
const JSON_LD = new Set(['@id', '@type']);

export const ENCODE_PREFIX = 'Encode';

export function encodeTypeName(name: string): string {
  return `${ENCODE_PREFIX}${name}`;
}

/** `schema.id` is `/profiles/biosample.json`; older portals may omit it, then the type name decides. */
function itemTypeOf(name: string, schema: Json): string {
  const id = typeof schema.id === 'string' ? schema.id : '';
  const m = /\/profiles\/([^/]+)\.json$/.exec(id);
  if (m) return m[1];
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A property the portal accepts in a POST: not calculated, not read-only (unless only for lack of a permission), not server-only. */
function submittable(key: string, schema: Json): boolean {
  if (schema.notSubmittable || schema.calculatedProperty || schema.linkFrom || schema.items?.linkFrom) return false;
  if (schema.readonly && !schema.permission) return false;
  if (Array.isArray(schema.requestMethod) && !schema.requestMethod.includes('POST')) return false;
  return true;
}

export function buildEncodeModel(profiles: Json): EncodeGraphModel {
  const subtypesOf = (profiles._subtypes ?? {}) as Record<string, string[]>;
  const names = Object.keys(profiles)
    .filter((k) => !k.startsWith('_') && !k.startsWith('@') && profiles[k] && typeof profiles[k] === 'object' && profiles[k].properties)
    .sort();
  const known = new Set(names);
  const isAbstract = (name: string) => {
    const subs = subtypesOf[name];
    return Array.isArray(subs) && !(subs.length === 1 && subs[0] === name);
  };
  const concrete = (name: string): string[] => (isAbstract(name) ? (subtypesOf[name] ?? []).filter((s) => known.has(s) && !isAbstract(s)) : [name]);

  const model: EncodeGraphModel = { types: new Map(), unions: new Map(), named: new NamedTypes(ENCODE_PREFIX) };

  const linkShape = (targets: string[]): Shape => {
    const listed = [...new Set(targets)].filter((t) => known.has(t)).sort();
    // A link to a type the portal has no profile for stays its @id.
    if (!listed.length) return { kind: 'scalar', scalar: 'String' };
    if (listed.length === 1) return { kind: 'link', target: encodeTypeName(listed[0]) };
    const members = [...new Set(listed.flatMap(concrete))].sort();
    if (members.length === 1) return { kind: 'link', target: encodeTypeName(members[0]) };
    const union = `${ENCODE_PREFIX}${listed.join('Or')}`;
    model.unions.set(union, members);
    return { kind: 'link', target: union };
  };

  const link = (schema: Json): Shape | null => {
    if (schema.linkTo) return linkShape(([] as string[]).concat(schema.linkTo));
    // A calculated reverse link (`Replicate.experiment`): the object frame lists the linking records' @ids.
    if (typeof schema.linkFrom === 'string') return linkShape([schema.linkFrom.split('.')[0]]);
    return null;
  };

  for (const name of names) {
    const schema = profiles[name] as Json;
    const ctx: ShapeContext = { owner: name, link, named: model.named };
    const properties: Json = {};
    for (const [key, prop] of Object.entries((schema.properties ?? {}) as Json)) if (!JSON_LD.has(key)) properties[key] = prop;
    const required = Array.isArray(schema.required) ? schema.required : [];
    // `uuid` and `status` keep their names: as outputs they are the interface's, as inputs the profile's.
    const all = objectFields(properties, required, ctx, '', { reserved: RECORD_FIELDS.filter((f) => !INTERFACE_PROPERTIES.has(f)), submittable });
    const itemType = itemTypeOf(name, schema);
    model.types.set(name, {
      name,
      gqlName: encodeTypeName(name),
      itemType,
      collectionPath: collectionName(itemType),
      listField: collectionName(itemType).replace(/-/g, '_'),
      abstract: isAbstract(name),
      subtypes: isAbstract(name) ? concrete(name) : [],
      bases: [],
      description: describe(schema.title && `${schema.title}.`, schema.description),
      fields: all.filter((f) => !INTERFACE_PROPERTIES.has(f.key)),
      inputFields: all.filter((f) => f.submittable),
    });
  }
  for (const type of model.types.values()) {
    if (!type.abstract) continue;
    for (const sub of type.subtypes) model.types.get(sub)?.bases.push(type.name);
  }
  // An abstract type whose subtypes all belong to another abstract type belongs to it too (Series → Dataset).
  for (const type of model.types.values()) {
    if (!type.abstract) continue;
    for (const other of model.types.values()) {
      if (other === type || !other.abstract || !type.subtypes.length) continue;
      if (type.subtypes.every((s) => other.subtypes.includes(s))) type.bases.push(other.name);
    }
  }
  for (const type of model.types.values()) type.bases.sort();
  // Query field names: the item type for one record, the collection for lists; a collection named
  // like its item type (`software`, `series`) gets an `all_` list instead.
  const fieldNames = new Set([...model.types.values()].map((t) => t.itemType));
  for (const type of model.types.values()) if (fieldNames.has(type.listField)) type.listField = `all_${type.listField}`;
  return model;
}

/** Type names the generated part declares itself, so nested types never take them. */
export function encodeTakenNames(model: EncodeGraphModel): Set<string> {
  const taken = new Set<string>(['EncodeRecord', 'EncodeQuery', 'EncodeFilter', 'EncodeFrame', 'EncodeSearchResult']);
  for (const t of model.types.values()) {
    taken.add(t.gqlName);
    taken.add(`${t.gqlName}Input`);
  }
  for (const u of model.unions.keys()) taken.add(u);
  return taken;
}

