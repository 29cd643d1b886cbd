import type { DocFormat } from './documents/parse';
import type { DeletionEnvelope } from './deletion/transaction';
import type { ProjectEnvelope, ProjectTransition } from './project/transaction';
import type { Snapshot, UploadEnvelope, UploadRole } from './upload/transaction';
import { timestamp } from './clock';

export type TransactionRole = UploadRole | 'delete' | ProjectTransition;

export type TransactionState = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'ERRORED';

export interface TransactionDocument {
  id: number;
  transaction_id: number;
  name: string | null;
  doc_format: DocFormat | 'XML' | 'N/A';
  doc: string;
  response_json: UploadEnvelope | DeletionEnvelope | ProjectEnvelope | null;
}

/** One row of GDC's transaction_logs, with its documents and entity snapshots. */
export interface TransactionLog {
  id: number;
  submitter: string;
  role: TransactionRole;
  program: string;
  project: string;
  project_id: string;
  is_dry_run: boolean;
  state: TransactionState;
  closed: boolean;
  committed_by: number | null;
  created_datetime: string;
  canonical_json: unknown[];
  documents: TransactionDocument[];
  entities: (Snapshot & { transaction_id: number })[];
}

export interface NewTransaction {
  submitter: string;
  role: TransactionRole;
  program: string;
  project: string;
  isDryRun: boolean;
}

/** The transaction log, in memory. Ids are a sequence, as GDC's are. */
export class TransactionLogStore {
  private readonly logs = new Map<number, TransactionLog>();
  private nextId = 1;
  private nextDocumentId = 1;

  /** Created PENDING before any work, so an async caller can be given the id at once. */
  open(t: NewTransaction): TransactionLog {
    const log: TransactionLog = {
      id: this.nextId++,
      submitter: t.submitter,
      role: t.role,
      program: t.program,
      project: t.project,
      project_id: `${t.program}-${t.project}`,
      is_dry_run: t.isDryRun,
      state: 'PENDING',
      closed: false,
      committed_by: null,
      created_datetime: timestamp(),
      canonical_json: [],
      documents: [],
      entities: [],
    };
    this.logs.set(log.id, log);
    return log;
  }

  addDocument(log: TransactionLog, name: string | null, format: DocFormat | 'XML' | 'N/A', doc: string): TransactionDocument {
    const document: TransactionDocument = { id: this.nextDocumentId++, transaction_id: log.id, name, doc_format: format, doc, response_json: null };
    log.documents.push(document);
    return document;
  }

  get(id: number): TransactionLog | undefined {
    return this.logs.get(id);
  }

  all(): TransactionLog[] {
    return [...this.logs.values()];
  }

  snapshot(): TransactionLogSnapshot {
    return { logs: this.all(), nextId: this.nextId, nextDocumentId: this.nextDocumentId };
  }

  restore(state: TransactionLogSnapshot): void {
    for (const log of state.logs) this.logs.set(log.id, log);
    this.nextId = state.nextId;
    this.nextDocumentId = state.nextDocumentId;
  }
}

export interface TransactionLogSnapshot {
  logs: TransactionLog[];
  nextId: number;
  nextDocumentId: number;
}

/** committable = a successful dry run that is neither closed nor committed. */
export function isCommittable(log: TransactionLog): boolean {
  return log.is_dry_run && log.state === 'SUCCEEDED' && !log.closed && log.committed_by === null;
}

/** The checks GDC makes before committing a dry run, in its order; null when it may be committed. */
export function commitRefusal(log: TransactionLog | undefined, id: number, projectId: string): { status: number; message: string } | null {
  if (!log || log.project_id !== projectId) return { status: 404, message: `Unable to find transaction_log with id: ${id} for project ${projectId}` };
  if (log.state !== 'SUCCEEDED') return { status: 400, message: `Unable to commit transaction log in state ${log.state}.` };
  if (log.closed) return { status: 400, message: 'Unable to commit closed transaction log.' };
  if (log.committed_by !== null) return { status: 400, message: `This transaction_log was committed already by transaction '${log.committed_by}'.` };
  if (!log.is_dry_run) return { status: 400, message: `Cannot submit transaction_log '${log.id}', not a dry_run.` };
  return null;
}

export function closeRefusal(log: TransactionLog | undefined, id: number, projectId: string): { status: number; message: string } | null {
  if (!log || log.project_id !== projectId) return { status: 404, message: `Unable to find transaction_log with id: ${id} for project ${projectId}` };
  if (log.closed) return { status: 400, message: 'This transaction log is already closed.' };
  if (!log.is_dry_run) return { status: 400, message: 'This transaction log is not a dry run. Closing it would have no effect.' };
  if (log.committed_by !== null) return { status: 400, message: 'This transaction log has already been committed. Closing it would have no effect.' };
  return null;
}
