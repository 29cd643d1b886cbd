import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { EntityErrors } from '../errors';
import { Session, sourcesOf, type GraphNode, type GraphStore, type GraphView } from '../store';
import { UploadEntity } from '../upload/entity';
import { relatedCases, type RelatedCase, type Snapshot, type TransactionalError } from '../upload/transaction';
import { validateLinks } from '../validate/links';

export interface DeleteRequest {
  program: string;
  project: string;
  dryRun: boolean;
  ids: string[];
}

export interface DeletionEntityResponse {
  action: 'delete';
  errors: UploadEntity['errors'];
  id: string | null;
  related_cases: RelatedCase[];
  type: string | null;
  valid: boolean;
  warnings: UploadEntity['warnings'];
}

/** The deletion envelope, as the guide shows it (no unique_keys; dependent_ids a comma-joined string). */
export interface DeletionEnvelope {
  code: number;
  deleted_entity_count: number;
  dependent_ids: string;
  entities: DeletionEntityResponse[];
  entity_error_count: number;
  message: string;
  success: boolean;
  transaction_id: number;
  transactional_error_count: number;
  transactional_errors: TransactionalError[];
}

export interface DeletionResult {
  status: number;
  envelope: DeletionEnvelope;
  success: boolean;
  snapshots: Snapshot[];
}

const ALLOWED_STATES = new Set([undefined, null, 'validated']);
const ALLOWED_FILE_STATES = new Set([undefined, null, 'registered']);

class DeletionEntity extends UploadEntity {
  readonly dependents = new Map<string, string>();
}

function entityFor(dictionary: Dictionary, node: GraphNode): DeletionEntity {
  const entity = new DeletionEntity();
  entity.node = node;
  entity.nodeType = dictionary.get(node.type) ?? null;
  entity.type = node.type;
  entity.id = node.id;
  return entity;
}

/** Nodes with an edge into `node`: its children, through every backref of its type. */
function children(dictionary: Dictionary, view: GraphView, node: GraphNode): GraphNode[] {
  const backrefs = dictionary.get(node.type)?.backrefs.values() ?? [];
  return [...backrefs].flatMap((b) => sourcesOf(view, node.id, b.sourceType, b.linkName));
}

/**
 * Deletion never cascades: with every listed node removed from the session, a child that no longer passes
 * the links validator depends on them. Like sheepdog, the search stops at the first dependent found.
 */
function findDependents(entity: DeletionEntity, ctx: { dictionary: Dictionary; view: Session; project: string; projectId: string }): void {
  for (const child of children(ctx.dictionary, ctx.view, entity.node!)) {
    const sub = entityFor(ctx.dictionary, child);
    validateLinks(sub, ctx);
    if (!sub.valid && ctx.view.get(child.id)) {
      entity.dependents.set(child.id, child.type);
      ctx.view.delete(child.id);
      findDependents(sub, ctx);
      for (const [id, type] of sub.dependents) entity.dependents.set(id, type);
    }
    if (entity.dependents.size) break;
  }
}

/** DELETE …/entities/<ids>: all or nothing, refused for submitted entities, uploaded files and dependents. */
export function runDelete(deps: { dictionary: Dictionary; store: GraphStore }, req: DeleteRequest, transactionId: number): DeletionResult {
  const { dictionary, store } = deps;
  const projectId = `${req.program}-${req.project}`;
  const entities: DeletionEntity[] = [];
  const wanted = [...new Set(req.ids)];
  for (const id of wanted) {
    const node = store.get(id);
    if (node && node.project_id === projectId) entities.push(entityFor(dictionary, node));
  }
  for (const id of wanted.filter((id) => !entities.some((e) => e.id === id))) {
    const missing = new DeletionEntity();
    missing.error('Entity not found.', ['id'], EntityErrors.NOT_FOUND, { id });
    entities.push(missing);
  }
  const related = new Map(entities.filter((e) => e.node).map((e) => [e.id!, relatedCases(e, store)]));

  const trial = new Session(store);
  for (const e of entities.filter((x) => x.valid)) trial.delete(e.id!);
  const ctx = { dictionary, view: trial, project: req.project, projectId };
  for (const e of entities.filter((x) => x.valid)) {
    const state = e.node!.props.state as string | null | undefined;
    if (!ALLOWED_STATES.has(state)) {
      e.error(
        state === 'submitted'
          ? 'This node has been submitted. Deletion is disallowed for submitted entities. This node must be redacted.'
          : `Unable to delete entity because it is in state '${String(state)}'.`,
        ['state'],
        EntityErrors.INVALID_PERMISSIONS,
      );
    }
    const fileState = e.node!.props.file_state as string | null | undefined;
    if (e.nodeType?.properties.includes('file_state') && !ALLOWED_FILE_STATES.has(fileState)) {
      e.error(
        `This node has file_state '${String(fileState)}'. Deletion is disallowed for entities that have raw data uploaded to the GDC.  In order to delete this node you must first delete the raw data with the Data Transfer Tool.`,
        ['file_state'],
        EntityErrors.INVALID_PERMISSIONS,
      );
    }
    findDependents(e, ctx);
    if (e.dependents.size) {
      e.error(
        `Unable to delete entity because at least ${e.dependents.size} other(s) directly or indirectly depend on it. You can only delete this entity by deleting its dependents prior to, or during the same transaction as this one.`,
        [],
        EntityErrors.INVALID_LINK,
        { dependents: [...e.dependents].map(([id, type]) => ({ id, type })) },
      );
    }
  }

  const invalid = entities.filter((e) => !e.valid).length;
  const success = invalid === 0 && entities.length > 0;
  const transactional: TransactionalError[] = entities.length ? [] : ['Nothing to submit'];
  if (success && !req.dryRun) {
    const commit = new Session(store);
    for (const e of entities) commit.delete(e.id!);
    commit.commit();
  }
  const count = entities.length;
  const envelope: DeletionEnvelope = {
    code: success ? 200 : 400,
    deleted_entity_count: success ? count : 0,
    dependent_ids: entities.flatMap((e) => [...e.dependents.keys()]).join(','),
    entities: entities.map((e) => ({
      action: 'delete',
      errors: e.errors,
      id: e.id,
      related_cases: (e.id && related.get(e.id)) || [],
      type: e.type,
      valid: e.valid,
      warnings: e.warnings,
    })),
    entity_error_count: invalid,
    message: !success
      ? 'Deletion transaction failed.'
      : req.dryRun
        ? `Dry run successful. Would have deleted ${count} entities`
        : `Successfully deleted ${count} entities`,
    success,
    transaction_id: transactionId,
    transactional_error_count: transactional.length,
    transactional_errors: transactional,
  };
  const snapshots = entities
    .filter((e) => e.node)
    .map((e) => ({ id: e.id!, action: 'delete' as const, old_props: structuredClone(e.node!.props), new_props: {} }));
  return { status: envelope.code, envelope, success, snapshots };
}
