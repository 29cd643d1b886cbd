import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { JobModel, JobProgressModel, JobState } from './updates';
import type { JobOutcome, JobPage, JobPatch, JobStore, NewJob } from './store';

interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  progress: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  owner: string;
  seq: number;
}

const EMPTY_PROGRESS: JobProgressModel = {
  total: null, done: 0, succeeded: 0, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null,
};

/** About a few milliseconds of better-sqlite3 inserts, during which the event loop waits. */
const OUTCOMES_PER_TRANSACTION = 200;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  progress TEXT NOT NULL,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  owner TEXT NOT NULL,
  credentials BLOB,
  summary TEXT
);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner, seq);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE TABLE IF NOT EXISTS outcomes (
  job_id TEXT NOT NULL,
  row INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job_id, row)
) WITHOUT ROWID;
`;

/**
 * Jobs in SQLite under DATA_DIR (jobs.sqlite, WAL so readers never wait on the runner's writes);
 * spooled inputs as files in DATA_DIR/inputs so a large document never sits in a SQLite row or in memory twice.
 */
export class SqliteJobStore implements JobStore {
  private readonly db: Database.Database;
  private readonly inputs: string;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.inputs = path.join(dataDir, 'inputs');
    fs.mkdirSync(this.inputs, { recursive: true, mode: 0o700 });
    this.db = new Database(path.join(dataDir, 'jobs.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // FULL: an outcome acknowledged to the runner survives a power cut, so a resume never repeats its row.
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
  }

  async create(job: NewJob): Promise<JobModel> {
    const id = randomUUID();
    // Spool first: a job row never points at an input that is not on disk.
    fs.writeFileSync(this.inputPath(id), job.input, { mode: 0o600 });
    const progress = { ...EMPTY_PROGRESS, total: job.total };
    this.db
      .prepare('INSERT INTO jobs (id, kind, state, progress, created_at, owner) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, job.kind, 'QUEUED', JSON.stringify(progress), new Date().toISOString(), job.owner);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<JobModel | null> {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toModel(row) : null;
  }

  async list(owner: string, state: JobState | null, first: number, after: string | null): Promise<JobPage> {
    const afterSeq = after === null ? null : (this.db.prepare('SELECT seq FROM jobs WHERE id = ? AND owner = ?').get(after, owner) as { seq: number } | undefined)?.seq ?? null;
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE owner = ? AND (? IS NULL OR state = ?) AND (? IS NULL OR seq < ?)
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(owner, state, state, afterSeq, afterSeq, first + 1) as JobRow[];
    return { jobs: rows.slice(0, first).map(toModel), hasNextPage: rows.length > first };
  }

  async count(owner: string, state: JobState | null): Promise<number> {
    const r = this.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE owner = ? AND (? IS NULL OR state = ?)').get(owner, state, state) as { n: number };
    return r.n;
  }

  async update(id: string, patch: JobPatch): Promise<JobModel> {
    const apply = this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
      if (!row) throw new Error(`job ${id} is not in the store`);
      const current = toModel(row);
      const next: JobModel = {
        ...current,
        ...stripUndefined({ state: patch.state, error: patch.error, startedAt: patch.startedAt, finishedAt: patch.finishedAt }),
        progress: { ...current.progress, ...(patch.progress ?? {}) },
      };
      this.db
        .prepare('UPDATE jobs SET state = ?, progress = ?, error = ?, started_at = ?, finished_at = ? WHERE id = ?')
        .run(next.state, JSON.stringify(next.progress), next.error, next.startedAt, next.finishedAt, id);
      return next;
    });
    return apply();
  }

  /**
   * A slice's outcomes in transactions of OUTCOMES_PER_TRANSACTION rows with a turn of the event
   * loop between them (better-sqlite3 is synchronous: 1000 rows in one was tens of ms in which no
   * other caller was answered), the last one with the progress. Only the last waits for the disk
   * (synchronous FULL): in WAL mode its sync covers the frames written before it, and until it
   * commits progress.done still points before these rows, so a resume re-sends them (INSERT OR
   * REPLACE: the same rows, once).
   */
  async appendOutcomes(id: string, outcomes: JobOutcome[], progress: Partial<JobProgressModel>, summary?: string): Promise<void> {
    const insert = this.db.prepare('INSERT OR REPLACE INTO outcomes (job_id, row, ok, data) VALUES (?, ?, ?, ?)');
    const insertAll = (part: JobOutcome[]) => {
      for (const o of part) insert.run(id, o.row, o.ok ? 1 : 0, o.data);
    };
    let from = 0;
    for (; outcomes.length - from > OUTCOMES_PER_TRANSACTION; from += OUTCOMES_PER_TRANSACTION) {
      this.db.pragma('synchronous = NORMAL');
      try {
        this.db.transaction(insertAll)(outcomes.slice(from, from + OUTCOMES_PER_TRANSACTION));
      } finally {
        this.db.pragma('synchronous = FULL');
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.db.transaction(() => {
      insertAll(outcomes.slice(from));
      const row = this.db.prepare('SELECT progress FROM jobs WHERE id = ?').get(id) as { progress: string } | undefined;
      if (!row) throw new Error(`job ${id} is not in the store`);
      this.db.prepare('UPDATE jobs SET progress = ?, summary = COALESCE(?, summary) WHERE id = ?').run(JSON.stringify({ ...JSON.parse(row.progress), ...progress }), summary ?? null, id);
    })();
  }

  async summary(id: string): Promise<string | null> {
    const r = this.db.prepare('SELECT summary FROM jobs WHERE id = ?').get(id) as { summary: string | null } | undefined;
    return r?.summary ?? null;
  }

  documentPath(id: string): string {
    return path.join(this.inputs, `${id}.document`);
  }

  /** One instance, one disk: the spooled document is already where the runner reads it. */
  async keepDocument(): Promise<void> {}

  async fetchDocument(id: string): Promise<boolean> {
    return fs.existsSync(this.documentPath(id));
  }

  async outcomes(id: string, afterRow: number, first: number): Promise<JobOutcome[]> {
    const rows = this.db
      .prepare('SELECT row, ok, data FROM outcomes WHERE job_id = ? AND row > ? ORDER BY row LIMIT ?')
      .all(id, afterRow, first) as { row: number; ok: number; data: string }[];
    return rows.map((r) => ({ row: r.row, ok: r.ok === 1, data: r.data }));
  }

  async lastRow(id: string): Promise<number> {
    const r = this.db.prepare('SELECT MAX(row) AS last FROM outcomes WHERE job_id = ?').get(id) as { last: number | null };
    return r.last ?? -1;
  }

  async input(id: string): Promise<string | null> {
    try {
      return await fs.promises.readFile(this.inputPath(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async setSealedCredentials(id: string, sealed: Buffer | null): Promise<void> {
    this.db.prepare('UPDATE jobs SET credentials = ? WHERE id = ?').run(sealed, id);
  }

  async sealedCredentials(id: string): Promise<Buffer | null> {
    const r = this.db.prepare('SELECT credentials FROM jobs WHERE id = ?').get(id) as { credentials: Buffer | null } | undefined;
    return r?.credentials ?? null;
  }

  async inState(state: JobState): Promise<JobModel[]> {
    return (this.db.prepare('SELECT * FROM jobs WHERE state = ? ORDER BY seq').all(state) as JobRow[]).map(toModel);
  }

  async release(id: string): Promise<void> {
    this.db.prepare('UPDATE jobs SET credentials = NULL WHERE id = ?').run(id);
    await fs.promises.rm(this.inputPath(id), { force: true });
    await fs.promises.rm(this.documentPath(id), { force: true });
  }

  async sweep(before: Date): Promise<number> {
    const ids = (this.db.prepare('SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?').all(before.toISOString()) as { id: string }[]).map((r) => r.id);
    const drop = this.db.transaction((id: string) => {
      this.db.prepare('DELETE FROM outcomes WHERE job_id = ?').run(id);
      this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
    });
    for (const id of ids) {
      drop(id);
      await fs.promises.rm(this.inputPath(id), { force: true });
      await fs.promises.rm(this.documentPath(id), { force: true });
    }
    return ids.length;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private inputPath(id: string): string {
    // ids are our own UUIDs, never caller text, so the path cannot leave the inputs folder.
    return path.join(this.inputs, `${id}.json`);
  }
}

function toModel(row: JobRow): JobModel {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    progress: { ...EMPTY_PROGRESS, ...(JSON.parse(row.progress) as Partial<JobProgressModel>) },
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    owner: row.owner,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
