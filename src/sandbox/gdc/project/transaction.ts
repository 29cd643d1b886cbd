import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { timestamp } from '../clock';
import type { GraphNode, GraphStore } from '../store';
import type { Snapshot, TransactionalError } from '../upload/transaction';
import { secondaryKeyDicts, secondaryKeyValues } from '../validate/keys';

export type ProjectTransition = 'open' | 'review' | 'submit' | 'release';

/** sheepdog's submission skips every category but these, and takes case and annotation by name. */
const SUBMITTED_CATEGORIES = new Set(['biospecimen', 'clinical', 'data_file']);
const SUBMITTED_TYPES = new Set(['case', 'annotation']);

export interface ProjectEntityResponse {
  action: 'submit';
  errors: never[];
  id: string;
  type: string;
  unique_keys: Record<string, unknown>[];
  valid: true;
  warnings: never[];
}

/** The envelope of open/review/submit/release: sheepdog's base_json (+ submitted_entity_count for submit). */
export interface ProjectEnvelope {
  code: number;
  entities: ProjectEntityResponse[];
  entity_error_count: number;
  message: string;
  submitted_entity_count?: number;
  success: boolean;
  transaction_id: number;
  transactional_error_count: number;
  transactional_errors: TransactionalError[];
}

export interface ProjectResult {
  status: number;
  envelope: ProjectEnvelope;
  success: boolean;
  snapshots: Snapshot[];
}

export interface ProjectRequest {
  project: GraphNode;
  projectId: string;
  action: ProjectTransition;
  dryRun: boolean;
}

const MESSAGES: Record<ProjectTransition, (dryRun: boolean, n: number) => string> = {
  open: (dry) => (dry ? "Dry run successful. Would have successfully transitioned project state to 'open'" : "Successfully transitioned project state to 'open'"),
  review: (dry) =>
    dry ? "Dry run successful. Would have successfully transitioned project state to 'review'" : "Successfully transitioned project state to 'review'",
  submit: (dry, n) => (dry ? `Dry run successful. Would have submitted ${n} entities.` : `Successfully submitted ${n} entities.`),
  release: (dry) => (dry ? 'Dry run successful. Would have released project.' : 'Successfully released project'),
};
const FAILURES: Record<ProjectTransition, string> = {
  open: 'Transaction failed.',
  review: 'Transaction failed.',
  submit: 'Submit transaction failed.',
  release: 'Release transaction failed.',
};

/**
 * One project transition, after the project-state check: review/open move the project's state; submit marks
 * every validated biospecimen, clinical and data-file entity (and cases) `submitted` and makes the project
 * releasable; release marks the project released and its submitted entities `released` (inference: GDC's
 * data release does this, which is what later makes a re-registered file a new version).
 */
export function runProjectTransition(deps: { dictionary: Dictionary; store: GraphStore }, req: ProjectRequest, transactionId: number): ProjectResult {
  const { project } = req;
  const errors: TransactionalError[] = [];
  const changes: { node: GraphNode; props: Record<string, unknown> }[] = [];
  const projectProps: Record<string, unknown> = {};
  let entities: ProjectEntityResponse[] = [];

  if (req.action === 'open' || req.action === 'review') projectProps.state = req.action;
  if (req.action === 'submit') {
    for (const node of submittable(deps, req.projectId)) {
      const props: Record<string, unknown> = { state: 'submitted' };
      if (node.props.file_state === 'validated') props.file_state = 'submitted';
      changes.push({ node, props });
    }
    entities = changes.map(({ node }) => ({ action: 'submit', errors: [], id: node.id, type: node.type, unique_keys: uniqueKeys(deps.dictionary, node, req.projectId), valid: true, warnings: [] }));
    Object.assign(projectProps, { state: 'submitted', releasable: true });
  }
  if (req.action === 'release') {
    if (project.props.released === true) errors.push({ message: 'Project is already released.' });
    else if (project.props.releasable !== true) {
      errors.push({ message: 'Project is not releasable. Project must be submitted at least once first.' });
    } else {
      projectProps.released = true;
      for (const node of deps.store.all()) {
        if (node.project_id === req.projectId && node.props.state === 'submitted') changes.push({ node, props: { state: 'released' } });
      }
    }
  }

  const success = errors.length === 0;
  const snapshots: Snapshot[] = [];
  if (success && !req.dryRun) {
    const now = timestamp();
    for (const { node, props } of [...changes, { node: project, props: projectProps }]) {
      snapshots.push({ id: node.id, action: null, old_props: structuredClone(node.props), new_props: { ...node.props, ...props } });
      Object.assign(node.props, props, { updated_datetime: now });
    }
  }
  const envelope: ProjectEnvelope = {
    code: success ? 200 : 400,
    entities,
    entity_error_count: 0,
    message: success ? MESSAGES[req.action](req.dryRun, entities.length) : FAILURES[req.action],
    success,
    transaction_id: transactionId,
    transactional_error_count: errors.length,
    transactional_errors: errors,
  };
  if (req.action === 'submit') envelope.submitted_entity_count = success ? entities.length : 0;
  return { status: envelope.code, envelope, success, snapshots };
}

function submittable(deps: { dictionary: Dictionary; store: GraphStore }, projectId: string): GraphNode[] {
  const out: GraphNode[] = [];
  for (const node of deps.store.all()) {
    if (node.project_id !== projectId) continue;
    const category = deps.dictionary.get(node.type)?.category ?? '';
    if (!SUBMITTED_CATEGORIES.has(category) && !SUBMITTED_TYPES.has(node.type)) continue;
    const state = node.props.state;
    if (state === undefined || state === null || state === 'validated') out.push(node);
  }
  return out;
}

function uniqueKeys(dictionary: Dictionary, node: GraphNode, projectId: string): Record<string, unknown>[] {
  const nodeType = dictionary.get(node.type);
  return nodeType ? secondaryKeyDicts(nodeType, secondaryKeyValues(nodeType, node.props, projectId)) : [];
}
