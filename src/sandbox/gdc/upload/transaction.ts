import { timestamp } from '../clock';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { classifyError, DRY_RUN_MESSAGE, EntityErrors, failureMessage, SUCCESS_MESSAGE } from '../errors';
import { Session, type GraphStore, type GraphView } from '../store';
import { parseDocument } from '../validate/entity';
import { recordSchemaErrors } from '../validate/json';
import { secondaryKeyDicts, secondaryKeyValues, secondaryKeysRepr } from '../validate/keys';
import { createLinks, validateLinks, validateUniqueKeys, type LinkContext } from '../validate/links';
import type { SchemaValidator } from '../validate/schema';
import { UploadEntity, type Action } from './entity';
import { entityKeys, instantiate } from './instantiate';

export type UploadRole = 'create' | 'update';

export interface UploadRequest {
  program: string;
  project: string;
  role: UploadRole;
  dryRun: boolean;
  /** PATCH: partial update of existing entities ([GDC] only). */
  patch?: boolean;
  /** An existing entity keeps the properties the document leaves out (BCR XML); new ones are created. */
  merge?: boolean;
  docs: unknown[];
}

export interface RelatedCase {
  id: string;
  submitter_id: unknown;
}

export interface EntityResponse {
  action: Action | null;
  errors: UploadEntity['errors'];
  id: string | null;
  related_cases: RelatedCase[];
  type: string | null;
  unique_keys: Record<string, unknown>[];
  valid: boolean;
  warnings: UploadEntity['warnings'];
}

/** A bare string, or a record_error dict (`type` only when the error names one). */
export type TransactionalError = string | { message: string; type?: string };

/** The upload envelope, keys in the order GDC's (sorted) JSON shows them. */
export interface UploadEnvelope {
  cases_related_to_created_entities_count: number;
  cases_related_to_updated_entities_count: number;
  code: number;
  created_entity_count: number;
  entities: EntityResponse[];
  entity_error_count: number;
  message: string;
  success: boolean;
  transaction_id: number;
  transactional_error_count: number;
  transactional_errors: TransactionalError[];
  updated_entity_count: number;
}

export interface Snapshot {
  id: string;
  action: Action | 'delete' | null;
  old_props: Record<string, unknown>;
  new_props: Record<string, unknown>;
}

export interface UploadResult {
  status: number;
  envelope: UploadEnvelope;
  success: boolean;
  snapshots: Snapshot[];
}

export interface UploadDeps {
  dictionary: Dictionary;
  store: GraphStore;
  validator: SchemaValidator;
  now?: () => string;
}

/**
 * One upload transaction, all or nothing, in sheepdog's order: parse each document, instantiate nodes,
 * check in-document uniqueness and JSON Schema, flush valid nodes into the session, resolve links, run
 * the graph validators, then commit unless anything failed or it is a dry run.
 */
export function runUpload(deps: UploadDeps, req: UploadRequest, transactionId: number): UploadResult {
  const { dictionary } = deps;
  const projectId = `${req.program}-${req.project}`;
  const session = new Session(deps.store);
  const transactional: TransactionalError[] = [];
  const entities: UploadEntity[] = [];
  const role: UploadRole = req.patch ? 'update' : req.role;

  for (const raw of req.docs) {
    const entity = new UploadEntity();
    try {
      parseDocument(entity, raw, dictionary, role);
      entities.push(entity);
    } catch (err) {
      transactional.push(`Unable to parse entity. Details: ${(err as Error).message}`);
    }
  }
  const ctx = { dictionary, view: session as GraphView, projectId, role, patch: Boolean(req.patch), merge: Boolean(req.merge) };
  for (const entity of entities) instantiate(entity, ctx);

  // pre_validate
  const seen = new Set<string>();
  for (const entity of entities.filter((e) => e.valid)) {
    const keys = entityKeys(entity, projectId);
    if (!keys.length) continue;
    const k = JSON.stringify(keys);
    if (seen.has(k)) transactional.push({ message: `Entity is not unique, ${secondaryKeysRepr(keys)}`, type: EntityErrors.NOT_UNIQUE });
    seen.add(k);
  }
  recordSchemaErrors(entities, dictionary, deps.validator);
  specify(entities);

  // flush
  const now = (deps.now ?? timestamp)();
  for (const entity of entities.filter((e) => e.valid && e.node)) {
    const node = entity.node!;
    if (entity.action === 'create' || entity.action === 'version') node.props.created_datetime = now;
    node.props.updated_datetime = now;
    if (entity.replaces) session.retire(entity.replaces, node.id);
    session.put(node);
  }

  // post_validate
  const linkCtx: LinkContext = { dictionary, view: session, project: req.project, projectId };
  for (const entity of entities.filter((e) => e.valid)) createLinks(entity, linkCtx);
  for (const entity of entities.filter((e) => e.valid)) validateLinks(entity, linkCtx);
  validateUniqueKeys(entities.filter((e) => e.valid), linkCtx);
  specify(entities);

  if (!entities.length) transactional.push('Nothing to submit');
  const invalid = entities.filter((e) => !e.valid).length;
  const success = invalid === 0 && transactional.length === 0;
  if (success && !req.dryRun) session.commit();

  const responses = entities.map((e) => entityResponse(e, session, projectId));
  const code = req.dryRun ? 200 : !success ? 400 : req.role === 'create' && !req.patch ? 201 : 200;
  const envelope: UploadEnvelope = {
    cases_related_to_created_entities_count: distinctCases(responses, 'create'),
    cases_related_to_updated_entities_count: distinctCases(responses, 'update'),
    code,
    created_entity_count: success ? entities.filter((e) => e.action === 'create').length : 0,
    entities: responses,
    entity_error_count: invalid,
    message: success ? (req.dryRun ? DRY_RUN_MESSAGE : SUCCESS_MESSAGE) : failureMessage(invalid, transactional.length),
    success,
    transaction_id: transactionId,
    transactional_error_count: transactional.length,
    transactional_errors: transactional,
    updated_entity_count: success ? entities.filter((e) => e.action === 'update').length : 0,
  };
  const snapshots = entities
    .filter((e) => e.node)
    .map((e) => ({ id: e.node!.id, action: e.action, old_props: e.oldProps, new_props: structuredClone(e.node!.props) }));
  return { status: code, envelope, success, snapshots };
}

function specify(entities: UploadEntity[]): void {
  for (const entity of entities) {
    const links = entity.nodeType?.linkByName;
    for (const error of entity.errors) classifyError(error, (key) => Boolean(links?.has(key) || entity.nodeType?.backrefs.has(key)));
  }
}

function entityResponse(entity: UploadEntity, view: GraphView, projectId: string): EntityResponse {
  const nodeType = entity.nodeType;
  const props = entity.node ? entity.node.props : entity.doc;
  return {
    action: entity.action,
    errors: entity.errors,
    id: entity.id,
    related_cases: relatedCases(entity, view),
    type: entity.type,
    unique_keys: nodeType ? secondaryKeyDicts(nodeType, secondaryKeyValues(nodeType, props, projectId)) : [],
    valid: entity.valid,
    warnings: entity.warnings,
  };
}

/** Cases above the entity (following links upwards); none for a case itself. */
export function relatedCases(entity: UploadEntity, view: GraphView): RelatedCase[] {
  const node = entity.node;
  if (!node || node.type === 'case') return [];
  const out: RelatedCase[] = [];
  const seen = new Set<string>([node.id]);
  const queue = Object.values(node.links).flat();
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const parent = view.get(id);
    if (!parent) continue;
    if (parent.type === 'case') out.push({ id: parent.id, submitter_id: parent.props.submitter_id ?? null });
    else queue.push(...Object.values(parent.links).flat());
  }
  return out;
}

function distinctCases(entities: EntityResponse[], action: Action): number {
  return new Set(entities.filter((e) => e.action === action).flatMap((e) => e.related_cases.map((c) => c.id))).size;
}
