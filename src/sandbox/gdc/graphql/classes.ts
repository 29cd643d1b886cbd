import type { Dictionary, NodeType } from '../../../rules/gdc/dictionary/model';
import type { JsonObject } from '../../../rules/gdc/dictionary/resolve';
import { type PeregrineScalar, peregrineScalar } from '../../../rules/gdc/graphql';

/** The GraphQL scalar peregrine gives a property (ints are Float too, arrays are lists of String): the one rule for a property's scalar, shared with the gateway's typed graph (src/rules/gdc/graphql.ts). */
export type Scalar = PeregrineScalar;

/** What one edge leads to, seen from a node type: forward links, backrefs and the case-cache shortcuts. */
export interface EdgeDef {
  name: string;
  target: string;
  kind: 'link' | 'backref' | 'related_cases' | 'related_from_case';
  /** For backrefs: the link on the source type that makes the edge. */
  sourceLink?: string;
}

/** A dictionary node type as the submission GraphQL sees it (gdcdatamodel's model class). */
export interface NodeClass {
  label: string;
  nodeType: NodeType;
  category: string;
  /** `__pg_properties__`: every property but id, type and links, with its scalar. */
  properties: Map<string, Scalar>;
  /** `_pg_edges`: the dictionary's links and backrefs (link fields, with_links). */
  edges: Map<string, EdgeDef>;
  /** Every Edge class touching the type, the case-cache shortcuts included (what with_path_to walks). */
  traversalEdges: Map<string, EdgeDef>;
  /** gdcdatamodel keeps a related-cases cache (`_related_cases`) for these. */
  cachesCases: boolean;
  /** Nodes of types without project_id are not filtered by project (programs, centers, …). */
  hasProjectId: boolean;
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
/** gdcdatamodel's NOT_RELATED_CASES_CATEGORIES: no related-cases shortcut for these (annotations excepted). */
const NO_CASE_CACHE = new Set(['administrative', 'TBD']);

export function buildClasses(dictionary: Dictionary): Map<string, NodeClass> {
  const classes = new Map<string, NodeClass>();
  for (const nodeType of dictionary.types.values()) {
    const schemaProps = (nodeType.schema.properties ?? {}) as JsonObject;
    const properties = new Map<string, Scalar>();
    for (const [name, schema] of Object.entries(schemaProps)) {
      if (name === 'id' || name === 'type' || nodeType.linkByName.has(name) || !NAME.test(name)) continue;
      properties.set(name, peregrineScalar((schema ?? {}) as JsonObject));
    }
    const edges = new Map<string, EdgeDef>();
    for (const link of nodeType.linkByName.values()) edges.set(link.name, { name: link.name, target: link.target_type, kind: 'link' });
    for (const b of nodeType.backrefs.values()) {
      if (!edges.has(b.name)) edges.set(b.name, { name: b.name, target: b.sourceType, kind: 'backref', sourceLink: b.linkName });
    }
    const cachesCases = (!NO_CASE_CACHE.has(nodeType.category) || nodeType.type === 'annotation') && dictionary.types.has('case');
    classes.set(nodeType.type, {
      label: nodeType.type,
      nodeType,
      category: nodeType.category,
      properties,
      edges,
      traversalEdges: new Map(edges),
      cachesCases,
      hasProjectId: nodeType.hasProjectId,
    });
  }
  // The case cache is an Edge class like the others (`<type>._related_cases`, from case `_related_<type>`),
  // so path traversal walks it, but it is not in `_pg_edges`: no link field and no with_links over it.
  const caseClass = classes.get('case');
  for (const cls of classes.values()) {
    if (!cls.cachesCases || !caseClass) continue;
    cls.traversalEdges.set('_related_cases', { name: '_related_cases', target: 'case', kind: 'related_cases' });
    caseClass.traversalEdges.set(`_related_${cls.label}`, { name: `_related_${cls.label}`, target: cls.label, kind: 'related_from_case' });
  }
  return classes;
}

/** peregrine's data node types: every type whose category ends in `_file`. */
export function dataClasses(classes: Map<string, NodeClass>): NodeClass[] {
  return [...classes.values()].filter((c) => c.category.endsWith('_file'));
}
