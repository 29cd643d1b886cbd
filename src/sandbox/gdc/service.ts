import { runDelete, type DeletionResult } from './deletion/transaction';
import { projectStateRefusal, type ProjectAction } from './project/state';
import { runProjectTransition, type ProjectResult, type ProjectTransition } from './project/transaction';
import type { Dictionary } from '../../rules/gdc/dictionary/model';
import { formatOf, parseBody, type DocFormat } from './documents/parse';
import { DEFAULT_MAX_COLUMNS } from '../../rules/shared/columns';
import { notFound, userError } from './errors';
import { findProject } from './seed';
import type { GraphNode, GraphSnapshot, GraphStore } from './store';
import { closeRefusal, commitRefusal, TransactionLogStore, type TransactionLog, type TransactionLogSnapshot } from './transactions';
import { runUpload, type UploadResult, type UploadRole } from './upload/transaction';
import type { SchemaValidator } from './validate/schema';

type WorkResult = UploadResult | DeletionResult | ProjectResult;

interface UploadMode {
  patch: boolean;
  merge: boolean;
}
const NO_MODE: UploadMode = { patch: false, merge: false };

const TRANSITIONS = new Set<string>(['open', 'review', 'submit', 'release']);

export interface Reply {
  status: number;
  body: unknown;
}

export interface SubmitRequest {
  program: string;
  project: string;
  role: UploadRole;
  patch?: boolean;
  /** BCR XML: an existing entity keeps what the document does not carry (an upsert that merges). */
  merge?: boolean;
  dryRun: boolean;
  async: boolean;
  body: string;
  contentType?: string;
  documentName: string | null;
  submitter: string;
  /** The request path, which GDC names when the project's state refuses the transaction. */
  path?: string;
  /** Documents already converted (BCR XML): `body` is then only kept as the logged document. */
  docs?: unknown[];
  docFormat?: DocFormat | 'XML';
}

export interface ServiceSnapshot {
  store: GraphSnapshot;
  logs: TransactionLogSnapshot;
  modes: [number, UploadMode][];
}

/** The emulator's operations, free of HTTP: routes translate requests into these calls. */
export class GdcService {
  readonly logs = new TransactionLogStore();
  /** Transactions that were PATCHes or merging upserts (BCR XML): GDC's log has no column for it, but a commit must replay them as such. */
  private readonly modes = new Map<number, UploadMode>();

  constructor(
    readonly dictionary: Dictionary,
    readonly store: GraphStore,
    private readonly validator: SchemaValidator,
    /** MAX_COLUMNS: the widest TSV/CSV record read, as the gateway in front of it counts them (rules/shared/columns.ts). */
    private readonly maxColumns = DEFAULT_MAX_COLUMNS,
  ) {}

  snapshot(): ServiceSnapshot {
    return { store: this.store.snapshot(), logs: this.logs.snapshot(), modes: [...this.modes] };
  }

  restore(state: ServiceSnapshot): void {
    this.store.restore(state.store);
    this.logs.restore(state.logs);
    for (const [id, mode] of state.modes) this.modes.set(id, mode);
  }

  requireProject(program: string, project: string): GraphNode {
    const node = findProject(this.store, program, project);
    if (!node) throw notFound(`Project ${project} not found in program ${program}`);
    return node;
  }

  /** gdc-client upper-cases program and project in file URLs; this finds the project they mean. */
  findProjectIgnoringCase(program: string, project: string): GraphNode | undefined {
    const exact = findProject(this.store, program, project);
    if (exact) return exact;
    const wanted = `${program}-${project}`.toUpperCase();
    return [...this.store.ofType('project')].find((p) => String(p.props.name ?? '').toUpperCase() === wanted);
  }

  /** sheepdog checks the project's state before a transaction starts: a refusal leaves no log behind. */
  assertProjectState(program: string, project: string, action: ProjectAction, path?: string): GraphNode {
    const node = this.requireProject(program, project);
    const refusal = projectStateRefusal(node, action, path ?? `/v0/submission/${program}/${project}`);
    if (refusal) throw refusal;
    return node;
  }

  submit(req: SubmitRequest): Reply {
    this.assertProjectState(req.program, req.project, 'upload', req.path);
    const format = req.docFormat ?? formatOf(req.contentType);
    const docs = req.docs ?? parseBody(req.body, format as DocFormat, this.dictionary, req.documentName, this.maxColumns);
    const log = this.logs.open({ submitter: req.submitter, role: req.role, program: req.program, project: req.project, isDryRun: req.dryRun });
    this.logs.addDocument(log, req.documentName, format, req.body);
    log.canonical_json = structuredClone(docs);
    const mode: UploadMode = { patch: Boolean(req.patch), merge: Boolean(req.merge) };
    this.modes.set(log.id, mode);
    const work = () => this.execute(log, docs, mode);
    if (req.async) {
      setImmediate(() => background(work));
      return { status: 200, body: { code: 200, message: 'Transaction submitted.', transaction_id: log.id } };
    }
    const result = work();
    return { status: result.status, body: result.envelope };
  }

  /** DELETE …/entities/<ids>: one deletion transaction, logged like uploads (role delete, a stub document). */
  deleteEntities(program: string, project: string, ids: string[], dryRun: boolean, submitter: string, path?: string): Reply {
    this.assertProjectState(program, project, 'delete', path);
    const log = this.logs.open({ submitter, role: 'delete', program, project, isDryRun: dryRun });
    this.logs.addDocument(log, null, 'N/A', '');
    const result = this.execute(log, ids);
    return { status: result.status, body: result.envelope };
  }

  /** Runs the work of a logged transaction and records its outcome on the log. */
  private execute(log: TransactionLog, docs: unknown[], mode: UploadMode = NO_MODE): WorkResult {
    let result: WorkResult;
    try {
      result = this.run(log, docs, mode);
    } catch (err) {
      log.state = 'ERRORED';
      throw err;
    }
    log.state = result.success ? 'SUCCEEDED' : 'FAILED';
    if (log.documents.length) log.documents[0].response_json = result.envelope;
    if (result.success) log.entities = result.snapshots.map((s) => ({ ...s, transaction_id: log.id }));
    return result;
  }

  private run(log: TransactionLog, docs: unknown[], mode: UploadMode): WorkResult {
    const role = log.role;
    if (role === 'open' || role === 'review' || role === 'submit' || role === 'release') {
      const project = this.requireProject(log.program, log.project);
      const req = { project, projectId: log.project_id, action: role, dryRun: log.is_dry_run };
      return runProjectTransition({ dictionary: this.dictionary, store: this.store }, req, log.id);
    }
    if (role === 'delete') {
      const req = { program: log.program, project: log.project, dryRun: log.is_dry_run, ids: docs as string[] };
      return runDelete({ dictionary: this.dictionary, store: this.store }, req, log.id);
    }
    const req = { program: log.program, project: log.project, role, dryRun: log.is_dry_run, ...mode, docs: structuredClone(docs) };
    return runUpload({ dictionary: this.dictionary, store: this.store, validator: this.validator }, req, log.id);
  }

  /** Re-runs a successful dry run for real, as a new transaction; the dry run records who committed it. */
  commit(program: string, project: string, id: number, submitter: string, async: boolean, path?: string): Reply {
    this.requireProject(program, project);
    const dryRun = this.logs.get(id);
    const refusal = commitRefusal(dryRun, id, `${program}-${project}`);
    if (refusal) return { status: refusal.status, body: { message: refusal.message } };
    const role = dryRun!.role;
    this.assertProjectState(program, project, TRANSITIONS.has(role) ? (role as ProjectAction) : role === 'delete' ? 'delete' : 'upload', path);
    const log = this.logs.open({ submitter, role, program, project, isDryRun: false });
    // Uploads re-submit the parsed documents; a deletion re-deletes the ids it snapshotted; a project
    // transition is repeated.
    let work: () => WorkResult;
    if (TRANSITIONS.has(role)) {
      this.logs.addDocument(log, null, 'N/A', '');
      work = () => this.execute(log, []);
    } else if (role === 'delete') {
      this.logs.addDocument(log, null, 'N/A', '');
      const ids = dryRun!.entities.map((e) => e.id);
      work = () => this.execute(log, ids);
    } else {
      this.logs.addDocument(log, null, 'json', JSON.stringify(dryRun!.canonical_json));
      log.canonical_json = structuredClone(dryRun!.canonical_json);
      const mode = this.modes.get(dryRun!.id) ?? NO_MODE;
      this.modes.set(log.id, mode);
      work = () => this.execute(log, dryRun!.canonical_json, mode);
    }
    dryRun!.committed_by = log.id;
    if (async) {
      setImmediate(() => background(work));
      return { status: 200, body: { code: 200, message: 'Transaction submitted.', transaction_id: log.id } };
    }
    const result = work();
    return { status: result.status, body: result.envelope };
  }

  /** `/open`, `/review`, `/submit`, `/release` (and their dry runs): one logged project transition. */
  transition(program: string, project: string, action: ProjectTransition, dryRun: boolean, submitter: string, async = false, path?: string): Reply {
    this.assertProjectState(program, project, action, path);
    const log = this.logs.open({ submitter, role: action, program, project, isDryRun: dryRun });
    this.logs.addDocument(log, null, 'N/A', '');
    if (async) {
      setImmediate(() => background(() => this.execute(log, [])));
      return { status: 200, body: { code: 200, message: 'Transaction submitted.', transaction_id: log.id } };
    }
    const result = this.execute(log, []);
    return { status: result.status, body: result.envelope };
  }

  close(program: string, project: string, id: number): Reply {
    this.requireProject(program, project);
    const log = this.logs.get(id);
    const refusal = closeRefusal(log, id, `${program}-${project}`);
    if (refusal) return { status: refusal.status, body: { message: refusal.message } };
    log!.closed = true;
    return { status: 200, body: { code: 200, message: 'Closed transaction.', transaction_id: id } };
  }

  /**
   * GET …/entities/<ids>: every id must be an entity of this project, else 400 "Not found: …". A
   * released file's previous version stays readable by its id (the guide: both versions' UUIDs
   * remain queryable), as it was when the new version replaced it.
   */
  entities(program: string, project: string, ids: string[]): Reply {
    this.requireProject(program, project);
    const projectId = `${program}-${project}`;
    const nodes = ids.map((id) => {
      const node = this.store.get(id) ?? this.store.previousVersion(id)?.node;
      return node && node.project_id === projectId ? node : undefined;
    });
    const missing = ids.filter((_, i) => !nodes[i]);
    if (missing.length) throw userError(`Not found: ${missing.join(', ')}`);
    return { status: 200, body: { entities: nodes.map((n) => ({ program, project, properties: this.render(n!) })) } };
  }

  /** An entity as GDC returns it: every declared property (null when unset) and its links as {id, submitter_id}. */
  render(node: GraphNode): Record<string, unknown> {
    const nodeType = this.dictionary.get(node.type);
    const props: Record<string, unknown> = {};
    for (const p of nodeType?.properties ?? Object.keys(node.props)) props[p] = node.props[p] ?? null;
    props.id = node.id;
    props.type = node.type;
    for (const name of nodeType?.linkByName.keys() ?? []) {
      props[name] = (node.links[name] ?? []).map((id) => ({ id, submitter_id: this.store.get(id)?.props.submitter_id ?? null }));
    }
    return Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** Async work has no caller left to answer; its outcome lives on the transaction log (ERRORED on a crash). */
function background(work: () => unknown): void {
  try {
    work();
  } catch {
    // execute() already marked the log ERRORED.
  }
}
