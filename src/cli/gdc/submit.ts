import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import { GatewayClient } from '../gateway-client';

/** The GraphQL the command sends: the gateway's public contract, nothing else. */
const RESULT = `success dryRun message transactionId createdCount updatedCount errorCount transactionalErrors
  entities { index row action valid id type submitterId errors { code message keys } }
  chunks { index transactionId success message firstIndex count }`;
const CREATE = `mutation GdcSubmit($input: CreateEntitiesInput!) { createEntities(input: $input) { ${RESULT} } }`;
const COMMIT = `mutation GdcCommit($input: TransactionInput!) { commitTransaction(input: $input) { ${RESULT} } }`;

interface Entity {
  index: number;
  row: number | null;
  action: string | null;
  valid: boolean;
  id: string | null;
  type: string | null;
  submitterId: string | null;
  errors: { code: string; message: string; keys: string[] }[];
}
interface Chunk {
  index: number;
  transactionId: number | null;
  success: boolean;
  message: string;
}
interface Result {
  success: boolean;
  dryRun: boolean;
  message: string;
  transactionId: number | null;
  createdCount: number;
  updatedCount: number;
  errorCount: number;
  transactionalErrors: string[];
  entities: Entity[];
  chunks: Chunk[];
}

export interface SubmitOptions {
  project: string;
  files: string[];
  dryRun: boolean;
  commit: boolean;
  chunkSize?: number;
  upsert: boolean;
}

/**
 * What a submit run tells whoever shows it. Today the CLI calls the synchronous mutations and
 * feeds this itself; a durable job's progress subscription can feed the same observer later.
 */
export interface SubmitObserver {
  fileStarted(file: string): void;
  entity(file: string, entity: Entity): void;
  fileDone(file: string, result: Result, committed: Result[]): void;
}

const FORMATS: Record<string, string> = { '.json': 'JSON', '.tsv': 'TSV', '.txt': 'TSV', '.csv': 'CSV' };

/** One line per entity: `file:row  action  type submitter_id  id  errors`. */
export function lineObserver(out: NodeJS.WritableStream): SubmitObserver {
  return {
    fileStarted: () => undefined,
    entity(file, e) {
      const where = `${path.basename(file)}:${e.row ?? `#${e.index}`}`;
      const what = e.errors.length ? `error ${e.errors.map((x) => `${x.code}: ${x.message}${x.keys.length ? ` [${x.keys.join(', ')}]` : ''}`).join('; ')}` : (e.action ?? (e.valid ? 'valid' : 'not done'));
      out.write(`${where}\t${e.type ?? ''}\t${e.submitterId ?? ''}\t${e.id ?? ''}\t${what}\n`);
    },
    fileDone(file, r, committed) {
      const base = path.basename(file);
      for (const t of r.transactionalErrors) out.write(`${base}\ttransaction error: ${t}\n`);
      const ids = r.chunks.length ? r.chunks.map((c) => c.transactionId).join(',') : String(r.transactionId ?? '-');
      out.write(`${base}: ${r.success ? 'ok' : 'FAILED'}${r.dryRun ? ' (dry run)' : ''}: ${r.createdCount} created, ${r.updatedCount} updated, ${r.errorCount} errors; transaction ${ids}: ${r.message}\n`);
      for (const c of committed) out.write(`${base}: commit of transaction ${c.transactionId ?? '-'} ${c.success ? 'ok' : 'FAILED'}: ${c.message}\n`);
    },
  };
}

/** Exit code: 0 every file's entities accepted (and committed with --commit), 1 any refused. */
export async function submit(client: GatewayClient, options: SubmitOptions, observer: SubmitObserver): Promise<number> {
  if (options.commit && !options.dryRun) throw new UsageError('--commit commits the dry run: give it with --dry-run (without --dry-run the submission is written at once)');
  const documents = options.files.map((file) => {
    const format = FORMATS[path.extname(file).toLowerCase()];
    if (!format) throw new UsageError(`${file}: give a .json, .tsv or .csv file`);
    try {
      return { file, format, document: fs.readFileSync(file, 'utf8') };
    } catch (err) {
      throw new UsageError(`${file} cannot be read: ${(err as Error).message}`);
    }
  });
  let failed = false;
  for (const { file, format, document } of documents) {
    observer.fileStarted(file);
    const input = { source: 'GDC', project: options.project, document, format, dryRun: options.dryRun, upsert: options.upsert, chunkSize: options.chunkSize ?? null };
    const { createEntities: result } = await client.request<{ createEntities: Result }>(CREATE, { input });
    for (const e of result.entities) observer.entity(file, e);
    const committed: Result[] = [];
    if (options.commit && result.success) {
      const ids = result.chunks.length ? result.chunks.map((c) => c.transactionId) : [result.transactionId];
      for (const transactionId of ids) {
        if (transactionId == null) continue;
        const { commitTransaction } = await client.request<{ commitTransaction: Result }>(COMMIT, { input: { project: options.project, transactionId } });
        committed.push(commitTransaction);
        // The commit's entities carry the ids GDC kept; rows come from the dry run (same input order).
        for (const e of commitTransaction.entities) observer.entity(file, { ...e, row: e.row ?? result.entities[e.index]?.row ?? null, action: e.action && `${e.action} (committed)` });
      }
    }
    observer.fileDone(file, result, committed);
    if (!result.success || committed.some((c) => !c.success)) failed = true;
  }
  return failed ? 1 : 0;
}
