/**
 * Which generated types are federation entities, and by which keys a router may ask for them.
 * ENCODE records by uuid (`id`), and by accession where the profile has one; GDC entities by uuid
 * (`id`), and by GDC's own unique key `project_id submitter_id` where the node belongs to a project,
 * so a service that knows only submitter ids can join.
 */
import type { EncodeGraphModel, EncodeTypeModel } from '../graph/encode/model';
import type { GdcGraphModel, GdcNodeModel } from '../graph/gdc/model';

export type EntityType =
  | { source: 'ENCODE'; gqlName: string; keys: string[]; type: EncodeTypeModel }
  | { source: 'GDC'; gqlName: string; keys: string[]; node: GdcNodeModel };

export const ENCODE_ACCESSION_KEY = 'accession';
export const GDC_PROJECT_KEY = 'project_id submitter_id';

export function entityTypes(encode: EncodeGraphModel, gdc: GdcGraphModel): Map<string, EntityType> {
  const out = new Map<string, EntityType>();
  for (const type of encode.types.values()) {
    if (type.abstract) continue;
    const accession = type.fields.some((f) => f.name === 'accession' && f.key === 'accession');
    out.set(type.gqlName, { source: 'ENCODE', gqlName: type.gqlName, keys: accession ? ['id', ENCODE_ACCESSION_KEY] : ['id'], type });
  }
  for (const node of gdc.nodes.values()) {
    out.set(node.gqlName, { source: 'GDC', gqlName: node.gqlName, keys: node.hasProjectId ? ['id', GDC_PROJECT_KEY] : ['id'], node });
  }
  return out;
}
