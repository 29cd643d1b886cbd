/**
 * The ENCODE part of the graph as a model, from the profiles as the portal serves them at
 * `/profiles/?format=json` (mixins merged, calculated properties included), read into types and
 * their hierarchy by the same ProfileSet the registration uses (src/rules/encode/profiles.ts).
 */
import type { ProfileSet } from '../../rules/encode/profiles';
import { describe } from '../names';
import { type Json, NamedTypes, type ObjectField, objectFields, type Shape, type ShapeContext } from '../shapes';

export interface EncodeTypeModel {
  /** The portal's type name: `Biosample`, `AntibodyLot`, `HicQualityMetric`. */
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

/** A property the portal accepts in a POST: not calculated, not read-only (unless only for lack of a permission), not server-only. */
function submittable(key: string, schema: Json): boolean {
  if (schema.notSubmittable || schema.calculatedProperty || schema.linkFrom || schema.items?.linkFrom) return false;
  if (schema.readonly && !schema.permission) return false;
  if (Array.isArray(schema.requestMethod) && !schema.requestMethod.includes('POST')) return false;
  return true;
}

export function buildEncodeModel(profiles: ProfileSet | null): EncodeGraphModel {
  const infos = [...(profiles?.types.values() ?? [])].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const byName = new Map(infos.map((info) => [info.name, info]));
  const known = new Set(byName.keys());
  const concrete = (name: string): string[] => (profiles?.concreteNames(name) ?? []).filter((s) => known.has(s) && !byName.get(s)!.abstract);

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

  for (const info of infos) {
    const { name, schema } = info;
    const ctx: ShapeContext = { owner: name, link, named: model.named };
    const properties: Json = {};
    for (const [key, prop] of Object.entries((schema.properties ?? {}) as Json)) if (!JSON_LD.has(key)) properties[key] = prop;
    const required = Array.isArray(schema.required) ? schema.required : [];
    // `uuid` and `status` keep their names: as outputs they are the interface's, as inputs the profile's.
    const all = objectFields(properties, required, ctx, '', { reserved: RECORD_FIELDS.filter((f) => !INTERFACE_PROPERTIES.has(f)), submittable });
    model.types.set(name, {
      name,
      gqlName: encodeTypeName(name),
      itemType: info.itemType,
      collectionPath: info.collection,
      listField: info.collection.replace(/-/g, '_'),
      abstract: info.abstract,
      subtypes: info.abstract ? concrete(name) : [],
      bases: info.bases.filter((b) => known.has(b)),
      description: describe(schema.title && `${schema.title}.`, schema.description),
      fields: all.filter((f) => !INTERFACE_PROPERTIES.has(f.key)),
      inputFields: all.filter((f) => f.submittable),
    });
  }
  // `/profiles/` lists only concrete subtypes, so an abstract type's own bases are inferred: one
  // whose subtypes all belong to another abstract type belongs to it too (Series → Dataset).
  for (const type of model.types.values()) {
    if (!type.abstract) continue;
    for (const other of model.types.values()) {
      if (other === type || !other.abstract || !type.subtypes.length || type.bases.includes(other.name)) continue;
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
    taken.add(`${t.gqlName}Connection`);
    taken.add(`${t.gqlName}Edge`);
  }
  for (const u of model.unions.keys()) taken.add(u);
  return taken;
}

