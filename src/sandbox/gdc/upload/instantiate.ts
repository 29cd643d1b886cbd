import { randomUUID } from 'node:crypto';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { EntityErrors } from '../errors';
import { cloneNode, type GraphNode, type GraphView } from '../store';
import { lookupNodes, secondaryKeyValues, secondaryKeysRepr } from '../validate/keys';
import { setNodeProperties, systemDefaults, UUID } from '../validate/entity';
import type { UploadEntity } from './entity';

export interface InstantiateContext {
  dictionary: Dictionary;
  view: GraphView;
  projectId: string;
  role: 'create' | 'update';
  /** PATCH: update an existing entity only, the document carrying just the changed properties. */
  patch: boolean;
  /** Merge into an existing entity like PATCH, but create when there is none (BCR XML). */
  merge?: boolean;
}

/** The entity's secondary keys: from its node once it has one, else from its document. */
export function entityKeys(entity: UploadEntity, projectId: string): unknown[][] {
  if (!entity.nodeType) return [];
  return secondaryKeyValues(entity.nodeType, entity.node ? entity.node.props : entity.doc, projectId);
}

/** UploadEntity.instantiate: find or make the node the document describes and set its properties. */
export function instantiate(entity: UploadEntity, ctx: InstantiateContext): void {
  if (!entity.valid || !entity.nodeType) return;
  const nodeType = entity.nodeType;
  if (!entity.id && nodeType.secondaryKeys.length === 0) {
    entity.error(
      `There are no unique keys defined on type ${nodeType.type} except for the official GDC id.  To upload this entity you must add a UUID`,
      ['id'],
      EntityErrors.MISSING_PROPERTY,
    );
    return;
  }
  if (ctx.role === 'create') createNode(entity, ctx);
  else mergeNode(entity, ctx);
  if (entity.node) setNodeProperties(entity, ctx.projectId);
}

function createNode(entity: UploadEntity, ctx: InstantiateContext): void {
  const existing = lookupNodes(ctx.view, ctx.dictionary, entity.type!, entity.id, entityKeys(entity, ctx.projectId));
  // An id taken by any node is refused too: the database would reject the duplicate primary key.
  if (existing.length || (entity.id && ctx.view.get(entity.id))) {
    // [GDC] wording; the entity's id stays what the submitter sent (null in the guide's example).
    entity.error('Cannot create an entity with an id that already exists.', ['id'], EntityErrors.NOT_UNIQUE);
    return;
  }
  if (entity.id && !UUID.test(entity.id)) {
    entity.error('Cannot create entity with custom id that is not a UUID.', ['id'], EntityErrors.INVALID_VALUE);
    return;
  }
  for (const [key, value] of Object.entries(systemDefaults(entity))) {
    if (entity.doc[key] === undefined || entity.doc[key] === null) entity.doc[key] = value;
  }
  entity.id = entity.id ?? randomUUID();
  entity.action = 'create';
  entity.node = { id: entity.id, type: entity.type!, project_id: ctx.projectId, props: {}, links: {} };
}

function mergeNode(entity: UploadEntity, ctx: InstantiateContext): void {
  const keys = entityKeys(entity, ctx.projectId);
  const nodes = lookupNodes(ctx.view, ctx.dictionary, entity.type!, entity.id, keys);
  if (nodes.length > 1) {
    entity.error(`Entity is not unique, ${nodes.length} entities found with ${secondaryKeysRepr(keys)}`, [], EntityErrors.NOT_UNIQUE);
    return;
  }
  if (nodes.length === 0) {
    if (ctx.patch) entity.error('Entity not found.', ['id'], EntityErrors.NOT_FOUND);
    else createNode(entity, ctx);
    return;
  }
  if (isNewVersion(entity, nodes[0])) return versionNode(entity, nodes[0], ctx);
  const node = cloneNode(nodes[0]);
  entity.oldProps = structuredClone(node.props);
  if (isDataFile(entity) && !UPDATABLE_FILE_STATES.has(String(node.props.file_state ?? 'registered'))) {
    entity.error(
      `This file is already in file_state '${String(node.props.file_state)}' and cannot be updated. The raw data exists in the GDC file storage and modifying the Entity now is unsafe and may cause problems for any processes or users consuming this data.`,
      ['file_state'],
      EntityErrors.INVALID_PERMISSIONS,
    );
  }
  if (node.project_id !== ctx.projectId) {
    entity.error(`Entity is owned by project ${node.project_id}, not ${ctx.projectId}`, [], EntityErrors.INVALID_PERMISSIONS);
  }
  mergeDocLinks(entity, node.links, ctx);
  if (ctx.patch || ctx.merge) {
    // A partial update is validated as the whole entity it will become.
    for (const [key, value] of Object.entries(node.props)) if (!(key in entity.doc) && value !== null) entity.doc[key] = value;
  }
  // An updated entity is a draft again until the project is next submitted (sheepdog: node.state = 'validated').
  if (entity.nodeType!.properties.includes('state')) node.props.state = 'validated';
  for (const key of Object.keys(systemDefaults(entity))) {
    const given = entity.doc[key];
    if (given && given !== node.props[key]) {
      entity.warn(`Property '${key}' (${String(given)}) is a system property and will be ignored.`, [key], { type: EntityErrors.INVALID_PROPERTY });
    }
    entity.doc[key] = node.props[key] ?? null;
  }
  entity.action = 'update';
  entity.id = node.id;
  entity.node = node;
}

/** Data files whose metadata may still change: the bytes are not yet validated, submitted or released. */
const UPDATABLE_FILE_STATES = new Set(['registered', 'uploading', 'uploaded', 'validating']);

function isDataFile(entity: UploadEntity): boolean {
  return entity.nodeType?.category === 'data_file' && entity.nodeType.properties.includes('file_state');
}

/** [GDC] a released data file registered again with another md5sum or file_size becomes a new version. */
function isNewVersion(entity: UploadEntity, existing: GraphNode): boolean {
  if (!isDataFile(entity) || existing.props.state !== 'released') return false;
  return ['md5sum', 'file_size'].some((k) => entity.doc[k] !== undefined && entity.doc[k] !== existing.props[k]);
}

/**
 * The new version: a new node (new UUID, file_state registered, state validated) with the old one's
 * properties and links under the document's changes. The old version leaves the live graph when the
 * transaction commits (the store keeps it as a previous version).
 */
function versionNode(entity: UploadEntity, existing: GraphNode, ctx: InstantiateContext): void {
  const props = structuredClone(existing.props);
  delete props.created_datetime;
  delete props.updated_datetime;
  mergeDocLinks(entity, existing.links, ctx);
  for (const [key, value] of Object.entries(systemDefaults(entity))) props[key] = value;
  for (const key of Object.keys(systemDefaults(entity))) entity.doc[key] = props[key];
  entity.action = 'version';
  entity.replaces = existing.id;
  entity.id = randomUUID();
  entity.node = { id: entity.id, type: existing.type, project_id: ctx.projectId, props, links: {} };
}

/** Links already in the graph join the document, so validation sees the entity's full set of links. */
function mergeDocLinks(entity: UploadEntity, existing: Record<string, string[]>, ctx: InstantiateContext): void {
  for (const [name, link] of entity.nodeType!.linkByName) {
    const given = entity.doc[name];
    if (given !== undefined && (given === null || typeof given !== 'object')) continue;
    const list = (given === undefined ? [] : Array.isArray(given) ? [...given] : [given]) as Record<string, unknown>[];
    const target = ctx.dictionary.get(link.target_type);
    const docIds = new Set(list.map((l) => l?.id).filter(Boolean));
    const docKeys = new Set(
      list.filter((l) => l && typeof l === 'object' && target).map((l) => JSON.stringify(secondaryKeyValues(target!, l, ctx.projectId))),
    );
    for (const id of existing[name] ?? []) {
      const node = ctx.view.get(id);
      const keys = node && target ? JSON.stringify(secondaryKeyValues(target, node.props, ctx.projectId)) : null;
      if (!docIds.has(id) && !(keys && docKeys.has(keys))) list.push({ id });
    }
    if (list.length) entity.doc[name] = list;
    else delete entity.doc[name];
  }
}
