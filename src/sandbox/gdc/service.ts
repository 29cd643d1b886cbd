import { runDelete, type DeletionResult } from './deletion/transaction';
import type { Dictionary } from '../../rules/gdc/dictionary/model';
import { formatOf, parseBody } from './documents/parse';
import { notFound, userError } from './errors';
import { findProject } from './seed';
import type { GraphNode, GraphStore } from './store';
import { closeRefusal, commitRefusal, TransactionLogStore, type TransactionLog } from './transactions';
import { runUpload, type UploadResult, type UploadRole } from './upload/transaction';
import type { SchemaValidator } from './validate/schema';

type WorkResult = UploadResult | DeletionResult;

export interface Reply {
  status: number;
  body: unknown;
}

export interface SubmitRequest {
  program: string;
  project: string;
  role: UploadRole;
  patch?: boolean;
  dryRun: boolean;
  async: boolean;
  body: string;
  contentType?: string;
  documentName: string | null;
  submitter: string;
}

/** The emulator's operations, free of HTTP: routes translate requests into these calls. */
export class GdcService {
  readonly logs = new TransactionLogStore();
  /** Transactions that were PATCHes: GDC's log has no column for it, but a commit must replay them as such. */
  private readonly patches = new Set<number>();

  constructor(
    readonly dictionary: Dictionary,
    readonly store: GraphStore,
    private readonly validator: SchemaValidator,
  ) {}

  requireProject(program: string, project: string): GraphNode {
    const node = findProject(this.store, program, project);
    if (!node) throw notFound(`Project ${project} not found in program ${program}`);
    return node;
  }

  submit(req: SubmitRequest): Reply {
    this.requireProject(req.program, req.project);
    const format = formatOf(req.contentType);
    const docs = parseBody(req.body, format, this.dictionary, req.documentName);
    const log = this.logs.open({ submitter: req.submitter, role: req.role, program: req.program, project: req.project, isDryRun: req.dryRun });
    this.logs.addDocument(log, req.documentName, format, req.body);
    log.canonical_json = structuredClone(docs);
    if (req.patch) this.patches.add(log.id);
    const work = () => this.execute(log, docs, Boolean(req.patch));
    if (req.async) {
      setImmediate(() => background(work));
      return { status: 200, body: { code: 200, message: 'Transaction submitted.', transaction_id: log.id } };
    }
    const result = work();
    return { status: result.status, body: result.envelope };
  }

  /** DELETE …/entities/<ids>: one deletion transaction, logged like uploads (role delete, a stub document). */
  deleteEntities(program: string, project: string, ids: string[], dryRun: boolean, submitter: string): Reply {
    this.requireProject(program, project);
    const log = this.logs.open({ submitter, role: 'delete', program, project, isDryRun: dryRun });
    this.logs.addDocument(log, null, 'N/A', '');
    const result = this.execute(log, ids, false);
    return { status: result.status, body: result.envelope };
  }

  /** Runs the work of a logged transaction and records its outcome on the log. */
  private execute(log: TransactionLog, docs: unknown[], patch: boolean): WorkResult {
    let result: WorkResult;
    try {
      result =
        log.role === 'delete'
          ? runDelete({ dictionary: this.dictionary, store: this.store }, { program: log.program, project: log.project, dryRun: log.is_dry_run, ids: docs as string[] }, log.id)
          : runUpload(
              { dictionary: this.dictionary, store: this.store, validator: this.validator },
              { program: log.program, project: log.project, role: log.role, dryRun: log.is_dry_run, patch, docs: structuredClone(docs) },
              log.id,
            );
    } catch (err) {
      log.state = 'ERRORED';
      throw err;
    }
    log.state = result.success ? 'SUCCEEDED' : 'FAILED';
    if (log.documents.length) log.documents[0].response_json = result.envelope;
    if (result.success) log.entities = result.snapshots.map((s) => ({ ...s, transaction_id: log.id }));
    return result;
  }

  /** Re-runs a successful dry run for real, as a new transaction; the dry run records who committed it. */
  commit(program: string, project: string, id: number, submitter: string, async: boolean): Reply {
    this.requireProject(program, project);
    const dryRun = this.logs.get(id);
    const refusal = commitRefusal(dryRun, id, `${program}-${project}`);
    if (refusal) return { status: refusal.status, body: { message: refusal.message } };
    const log = this.logs.open({ submitter, role: dryRun!.role, program, project, isDryRun: false });
    // Uploads re-submit the parsed documents; a deletion re-deletes the ids it snapshotted.
    let work: () => WorkResult;
    if (dryRun!.role === 'delete') {
      this.logs.addDocument(log, null, 'N/A', '');
      const ids = dryRun!.entities.map((e) => e.id);
      work = () => this.execute(log, ids, false);
    } else {
      this.logs.addDocument(log, null, 'json', JSON.stringify(dryRun!.canonical_json));
      log.canonical_json = structuredClone(dryRun!.canonical_json);
      const patch = this.patches.has(dryRun!.id);
      if (patch) this.patches.add(log.id);
      work = () => this.execute(log, dryRun!.canonical_json, patch);
    }
    dryRun!.committed_by = log.id;
    if (async) {
      setImmediate(() => background(work));
      return { status: 200, body: { code: 200, message: 'Transaction submitted.', transaction_id: log.id } };
    }
    const result = work();
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

  /** GET …/entities/<ids>: every id must be an entity of this project, else 400 "Not found: …". */
  entities(program: string, project: string, ids: string[]): Reply {
    this.requireProject(program, project);
    const projectId = `${program}-${project}`;
    const nodes = ids.map((id) => {
      const node = this.store.get(id);
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
