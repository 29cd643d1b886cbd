/**
 * The GDC part of the graph as a model, read from `/_dictionary/_all`. It mirrors what GDC's
 * submission GraphQL (peregrine) builds from the same dictionary: per node type every property,
 * every link in both directions (forward name and backref), the same filter arguments.
 */
import { Dictionary, type LinkDef, type NodeType } from '../../rules/gdc/dictionary/model';
import { splitAll } from '../../rules/gdc/dictionary/load';
import type { JsonObject } from '../../rules/gdc/dictionary/resolve';
import { peregrineScalar, type PeregrineScalar } from '../../rules/gdc/graphql';
import { describe, isGraphqlName, pascal } from '../names';
import { type Json, NamedTypes, type ObjectField, objectFields, type ShapeContext } from '../shapes';

export const GDC_PREFIX = 'Gdc';

/** The interface every node type implements; these properties are its fields (always String there). */
export const ENTITY_FIELDS = ['id', 'submitter_id', 'type', 'project_id', 'state', 'created_datetime', 'updated_datetime'];
/** What upstream's `Node` interface has: `state` is not among them, so on the interface it is asked per type. */
export const UPSTREAM_NODE_FIELDS = new Set(['id', 'submitter_id', 'type', 'project_id', 'created_datetime', 'updated_datetime']);

export interface GdcEdge {
  /** Field name: the link's name, or the backref on the target. */
  name: string;
  target: string;
  kind: 'link' | 'backref';
  /** Forward links only: to_one links take one link object in submissions, to_many a list. */
  multiplicity?: LinkDef['multiplicity'];
}

export interface GdcNodeModel {
  /** Dictionary type, and upstream's GraphQL type name: `submitted_unaligned_reads`. */
  label: string;
  /** `GdcSubmittedUnalignedReads`. */
  gqlName: string;
  category: string;
  description?: string;
  /** Properties but id, type and links, as fields (GdcEntity's own included). */
  fields: ObjectField[];
  /** peregrine's scalar of each property, for its filter argument. */
  scalars: Map<string, PeregrineScalar>;
  edges: GdcEdge[];
  /** Links a submitted entity must carry (not those of a group, where one of several will do). */
  requiredLinks: Set<string>;
  /** gdcdatamodel keeps a related-cases shortcut (`_related_cases`) for these. */
  cachesCases: boolean;
  hasProjectId: boolean;
  submittable: boolean;
  systemProperties: string[];
  required: string[];
}

export interface GdcGraphModel {
  nodes: Map<string, GdcNodeModel>;
  named: NamedTypes;
}

export function gdcTypeName(label: string): string {
  return `${GDC_PREFIX}${pascal(label)}`;
}

/** gdcdatamodel's NOT_RELATED_CASES_CATEGORIES: no related-cases shortcut (annotations excepted). */
const NO_CASE_CACHE = new Set(['administrative', 'TBD']);

/** GDC writes most descriptions under `common` (from `_terms.yaml`). */
function withDescription(schema: Json): Json {
  const description = schema.description ?? schema.common?.description;
  return description && !schema.description ? { ...schema, description } : schema;
}

function edgesOf(node: NodeType): GdcEdge[] {
  const edges = new Map<string, GdcEdge>();
  for (const link of node.linkByName.values()) edges.set(link.name, { name: link.name, target: link.target_type, kind: 'link', multiplicity: link.multiplicity });
  // A backref named like a forward link is that link (peregrine's edges are keyed by name).
  for (const back of node.backrefs.values()) if (!edges.has(back.name)) edges.set(back.name, { name: back.name, target: back.sourceType, kind: 'backref' });
  return [...edges.values()];
}

export function buildGdcModel(all: Json): GdcGraphModel {
  const dictionary = new Dictionary(splitAll(all as Record<string, JsonObject>));
  const model: GdcGraphModel = { nodes: new Map(), named: new NamedTypes(GDC_PREFIX) };
  for (const label of [...dictionary.typeNames()].sort()) {
    const node = dictionary.get(label)!;
    const owner = pascal(label);
    const ctx: ShapeContext = { owner, link: () => null, named: model.named };
    const properties: Json = {};
    const scalars = new Map<string, PeregrineScalar>();
    for (const [key, schema] of Object.entries((node.schema.properties ?? {}) as Json)) {
      // Upstream serves neither links (they are edges) nor names GraphQL cannot spell.
      if (key === 'id' || key === 'type' || node.linkByName.has(key) || !isGraphqlName(key)) continue;
      properties[key] = withDescription((schema ?? {}) as Json);
      scalars.set(key, peregrineScalar((schema ?? {}) as JsonObject));
    }
    const system = new Set(node.systemProperties);
    const fields = objectFields(properties, node.required, ctx, '', {
      submittable: (key) => !system.has(key),
    });
    model.nodes.set(label, {
      label,
      gqlName: gdcTypeName(label),
      category: node.category,
      description: describe(node.schema.title as string | undefined, node.schema.description as string | undefined),
      fields,
      scalars,
      edges: edgesOf(node),
      requiredLinks: new Set(node.links.flatMap((e) => (e.kind === 'link' && e.link.required ? [e.link.name] : []))),
      cachesCases: (!NO_CASE_CACHE.has(node.category) || label === 'annotation') && dictionary.types.has('case'),
      hasProjectId: node.hasProjectId,
      submittable: node.submittable,
      systemProperties: node.systemProperties,
      required: node.required,
    });
  }
  return model;
}

/** Type names the generated GDC part declares itself. */
export function gdcTakenNames(model: GdcGraphModel): Set<string> {
  const taken = new Set<string>(['GdcEntity', 'GdcQuery', 'GdcWithPathToInput', 'GdcLinkInput']);
  for (const n of model.nodes.values()) {
    taken.add(n.gqlName);
    taken.add(`${n.gqlName}Input`);
    taken.add(`${n.gqlName}NotPropertiesInput`);
    taken.add(`${n.gqlName}Connection`);
    taken.add(`${n.gqlName}Edge`);
  }
  return taken;
}
