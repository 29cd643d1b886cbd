import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TERMINAL_STATES, type JobModel, type JobProgressModel, type JobState } from './updates';
import type { JobOutcome, JobPage, JobPatch, JobStore, NewJob } from './store';

/** Every key of the store starts with this, so one Redis can hold other programs' keys beside ours. */
export const JOB_KEY_PREFIX = 'submission-gateway:jobs:';

const STATES: JobState[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

const EMPTY_PROGRESS: JobProgressModel = {
  total: null, done: 0, succeeded: 0, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null,
};

/** Fields of a job's hash besides its progress (kept one field per progress value, `p:<name>`, so a patch is one HSET and never a read-modify-write). */
type JobHash = Record<string, string>;

/**
 * Jobs in Redis (REDIS_URL): any instance reads, lists and resumes any job. Per key prefix:
 * `job:<id>` a hash (the job, its progress one field per value, summary, spec, sealed credentials),
 * `outcomes:<id>` a sorted set scored by row (a row reported again replaces the earlier one),
 * `document:<id>` the spooled document, `owner:<owner>` the owner's job ids scored by creation
 * order, `state:<STATE>` the ids in each state, `seq` the creation counter. Outcomes and their
 * progress go in one MULTI, so a resumed job never sees outcomes its progress does not count.
 * An ended job's keys expire after the retention; the indexes forget it when next read.
 * The document is also kept on this instance's disk at `documentPath` (the work code streams it
 * from a file): `keepDocument` copies it into Redis once spooled, `fetchDocument` brings it back
 * on the instance that resumes the job.
 * Only the type of ioredis is imported here: the connection comes from src/redis.ts.
 */
export class RedisJobStore implements JobStore {
  private readonly inputs: string;

  constructor(
    private readonly redis: Redis,
    dataDir: string,
    private readonly retentionSeconds: number,
    private readonly prefix = JOB_KEY_PREFIX,
  ) {
    this.inputs = path.join(dataDir, 'inputs');
    fs.mkdirSync(this.inputs, { recursive: true, mode: 0o700 });
  }

  async create(job: NewJob): Promise<JobModel> {
    const id = randomUUID();
    const seq = await this.redis.incr(this.key('seq'));
    const fields: JobHash = {
      id, kind: job.kind, state: 'QUEUED', createdAt: new Date().toISOString(), owner: job.owner, seq: String(seq), input: job.input,
      ...progressFields({ ...EMPTY_PROGRESS, total: job.total }),
    };
    await this.redis
      .multi()
      .hset(this.key('job', id), fields)
      .zadd(this.key('owner', job.owner), seq, id)
      .sadd(this.key('state', 'QUEUED'), id)
      .exec()
      .then(failed);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<JobModel | null> {
    return toModel(await this.redis.hgetall(this.key('job', id)));
  }

  async list(owner: string, state: JobState | null, first: number, after: string | null): Promise<JobPage> {
    const mine = (await this.ownerJobs(owner)).filter((j) => state === null || j.state === state).reverse();
    const from = after === null ? 0 : mine.findIndex((j) => j.id === after) + 1;
    // An `after` that is not (or no longer) the owner's reads as the end, as SQLite's `seq < NULL` does.
    if (after !== null && from === 0) return { jobs: [], hasNextPage: false };
    const page = mine.slice(from, from + first + 1);
    return { jobs: page.slice(0, first), hasNextPage: page.length > first };
  }

  async count(owner: string, state: JobState | null): Promise<number> {
    return (await this.ownerJobs(owner)).filter((j) => state === null || j.state === state).length;
  }

  async update(id: string, patch: JobPatch): Promise<JobModel> {
    const key = this.key('job', id);
    if (!(await this.redis.exists(key))) throw new Error(`job ${id} is not in the store`);
    const fields: JobHash = { ...progressFields(patch.progress ?? {}) };
    const cleared: string[] = [];
    for (const name of ['state', 'error', 'startedAt', 'finishedAt'] as const) {
      const v = patch[name];
      if (v === undefined) continue;
      if (v === null) cleared.push(name);
      else fields[name] = v;
    }
    const tx = this.redis.multi();
    if (Object.keys(fields).length) tx.hset(key, fields);
    if (cleared.length) tx.hdel(key, ...cleared);
    if (patch.state) {
      for (const s of STATES) if (s !== patch.state) tx.srem(this.key('state', s), id);
      tx.sadd(this.key('state', patch.state), id);
      // Retention: an ended job and its results go by themselves after JOB_RETENTION_HOURS.
      if (TERMINAL_STATES.has(patch.state)) for (const k of this.jobKeys(id)) tx.expire(k, this.retentionSeconds);
    }
    await tx.exec().then(failed);
    const job = await this.get(id);
    if (!job) throw new Error(`job ${id} is not in the store`);
    return job;
  }

  async appendOutcomes(id: string, outcomes: JobOutcome[], progress: Partial<JobProgressModel>, summary?: string): Promise<void> {
    const key = this.key('job', id);
    if (!(await this.redis.exists(key))) throw new Error(`job ${id} is not in the store`);
    const tx = this.redis.multi();
    const zset = this.key('outcomes', id);
    for (const o of outcomes) {
      tx.zremrangebyscore(zset, o.row, o.row);
      tx.zadd(zset, o.row, JSON.stringify([o.row, o.ok ? 1 : 0, o.data]));
    }
    const fields = { ...progressFields(progress), ...(summary === undefined ? {} : { summary }) };
    if (Object.keys(fields).length) tx.hset(key, fields);
    await tx.exec().then(failed);
  }

  async summary(id: string): Promise<string | null> {
    return this.redis.hget(this.key('job', id), 'summary');
  }

  documentPath(id: string): string {
    // ids are our own UUIDs, never caller text, so the path cannot leave the inputs folder.
    return path.join(this.inputs, `${id}.document`);
  }

  /** After the runner spooled the document to `documentPath`: kept in Redis, for the instance that may resume the job. */
  async keepDocument(id: string): Promise<void> {
    await this.redis.set(this.key('document', id), await fs.promises.readFile(this.documentPath(id)));
  }

  /** Before a job runs here: its document at `documentPath`, from Redis unless this instance spooled it. */
  async fetchDocument(id: string): Promise<boolean> {
    if (fs.existsSync(this.documentPath(id))) return true;
    const bytes = await this.redis.getBuffer(this.key('document', id));
    if (!bytes) return false;
    await fs.promises.writeFile(this.documentPath(id), bytes, { mode: 0o600 });
    return true;
  }

  async outcomes(id: string, afterRow: number, first: number): Promise<JobOutcome[]> {
    const members = await this.redis.zrangebyscore(this.key('outcomes', id), `(${afterRow}`, '+inf', 'LIMIT', 0, first);
    return members.map((m) => {
      const [row, ok, data] = JSON.parse(m) as [number, number, string];
      return { row, ok: ok === 1, data };
    });
  }

  async lastRow(id: string): Promise<number> {
    const [, score] = await this.redis.zrevrange(this.key('outcomes', id), 0, 0, 'WITHSCORES');
    return score === undefined ? -1 : Number(score);
  }

  async input(id: string): Promise<string | null> {
    return this.redis.hget(this.key('job', id), 'input');
  }

  async setSealedCredentials(id: string, sealed: Buffer | null): Promise<void> {
    const key = this.key('job', id);
    if (sealed) await this.redis.hset(key, 'credentials', sealed.toString('base64'));
    else await this.redis.hdel(key, 'credentials');
  }

  async sealedCredentials(id: string): Promise<Buffer | null> {
    const v = await this.redis.hget(this.key('job', id), 'credentials');
    return v === null ? null : Buffer.from(v, 'base64');
  }

  async inState(state: JobState): Promise<JobModel[]> {
    const ids = await this.redis.smembers(this.key('state', state));
    const jobs = await this.many(ids);
    const gone = ids.filter((_, i) => !jobs[i]);
    if (gone.length) await this.redis.srem(this.key('state', state), ...gone);
    return jobs.filter((j): j is JobModel & { seq: number } => j !== null && j.state === state).sort((x, y) => x.seq - y.seq).map(withoutSeq);
  }

  async release(id: string): Promise<void> {
    await this.redis.multi().hdel(this.key('job', id), 'credentials', 'input').del(this.key('document', id)).exec().then(failed);
    await fs.promises.rm(this.documentPath(id), { force: true });
  }

  /**
   * Keys of ended jobs expire by themselves; this deletes those that ended before `before` (a
   * shorter JOB_RETENTION_HOURS than when they ended) and forgets expired ones in the state sets.
   */
  async sweep(before: Date): Promise<number> {
    let removed = 0;
    for (const state of STATES.filter((s) => TERMINAL_STATES.has(s))) {
      const ids = await this.redis.smembers(this.key('state', state));
      const jobs = await this.many(ids);
      for (const [i, id] of ids.entries()) {
        const job = jobs[i];
        if (job && (job.finishedAt === null || job.finishedAt >= before.toISOString())) continue;
        const tx = this.redis.multi().srem(this.key('state', state), id);
        if (job) tx.del(...this.jobKeys(id)).zrem(this.key('owner', job.owner), id);
        await tx.exec().then(failed);
        if (job) await fs.promises.rm(this.documentPath(id), { force: true });
        removed += job ? 1 : 0;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    // The connection is the process's (src/redis.ts): closed by whoever opened it.
  }

  private key(kind: string, id?: string): string {
    return id === undefined ? `${this.prefix}${kind}` : `${this.prefix}${kind}:${id}`;
  }

  private jobKeys(id: string): string[] {
    return [this.key('job', id), this.key('outcomes', id), this.key('document', id)];
  }

  /** The owner's jobs oldest first; ids whose job expired are dropped from the index. */
  private async ownerJobs(owner: string): Promise<JobModel[]> {
    const index = this.key('owner', owner);
    const ids = await this.redis.zrange(index, 0, -1);
    const jobs = await this.many(ids);
    const gone = ids.filter((_, i) => !jobs[i]);
    if (gone.length) await this.redis.zrem(index, ...gone);
    return jobs.filter((j): j is JobModel & { seq: number } => j !== null).map(withoutSeq);
  }

  private async many(ids: string[]): Promise<Array<(JobModel & { seq: number }) | null>> {
    if (!ids.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.key('job', id));
    const replies = (await pipeline.exec().then(failed)) as JobHash[];
    return replies.map((h) => {
      const job = toModel(h);
      return job ? { ...job, seq: Number(h.seq) } : null;
    });
  }
}

/** A MULTI or pipeline's replies, or the first command's error thrown (ioredis resolves with per-command errors). */
function failed(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error('Redis transaction aborted');
  const error = replies.find(([e]) => e)?.[0];
  if (error) throw error;
  return replies.map(([, v]) => v);
}

function progressFields(progress: Partial<JobProgressModel>): JobHash {
  const out: JobHash = {};
  for (const [name, value] of Object.entries(progress)) if (value !== undefined) out[`p:${name}`] = JSON.stringify(value);
  return out;
}

function toModel(h: JobHash): JobModel | null {
  if (!h || !h.id) return null;
  const progress = { ...EMPTY_PROGRESS };
  for (const name of Object.keys(EMPTY_PROGRESS) as (keyof JobProgressModel)[]) {
    const v = h[`p:${name}`];
    if (v !== undefined) (progress as Record<string, unknown>)[name] = JSON.parse(v);
  }
  return {
    id: h.id,
    kind: h.kind,
    state: h.state as JobState,
    progress,
    error: h.error ?? null,
    createdAt: h.createdAt,
    startedAt: h.startedAt ?? null,
    finishedAt: h.finishedAt ?? null,
    owner: h.owner,
  };
}

function withoutSeq({ seq: _seq, ...job }: JobModel & { seq: number }): JobModel {
  return job;
}
