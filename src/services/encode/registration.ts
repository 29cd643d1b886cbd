import { GraphQLError } from 'graphql';
import type { EncodeWriteConfig, QueryLimits } from '../../config';
import type { EncodeApi } from '../../datasources/encode/client';
import type { EncodeLoaders } from '../../datasources/encode/loaders';
import type { EncodeRecord } from '../../datasources/encode/models';
import { checkEncodeTypeName } from '../../datasources/grammar';
import { labName } from '../../rules/encode/aliases';
import { profileOfRecord } from '../../rules/encode/naming';
import type { ProfileSet, TypeInfo } from '../../rules/encode/profiles';
import { badInput } from '../documents';
import { codeOfRequestError } from '../errors/codes';
import { placeAllEntityErrors } from '../errors/place';
import { type EntityResultModel, type SubmissionResultModel, entityError, type UploadResultModel } from '../result';
import type { SubmissionDocument } from '../submission-document';
import { linkBatch } from './batch';
import { adminFor, type CheckItem, checkRecords, linksToLookUp } from './dry-run';
import { castRecord, type InputRecord, type RawRecord, readRawRecords, recordIdOf } from './inputs';
import { LookedUpLinks } from './links';
import { linksToMerge, type PatchJob, type PatchMode, patchCheck, removalErrors, writePatch } from './patch';
import { type PrepareOptions, type PreparedRecord, prepareCreate, preparePatch } from './prepare';
import { failedEntity, notAttempted, summarizeEncode } from './results';
import { runWithDependencies, type SkipReason } from './schedule';
import { TimeSlices } from '../../time-slices';
import { postRecord, type Written } from './write';

export interface EncodeServiceOptions extends EncodeWriteConfig {
  maxUploadBytes: number;
  /** MAX_COLUMNS and the JSON shape limits for input documents; unset = the defaults. */
  limits?: QueryLimits;
}

export interface CreateOptions {
  dryRun: boolean;
  upsert: boolean;
  award?: string | null;
  lab?: string | null;
  noAliases: boolean;
}

/** A createEntities batch a job prepared once and writes slice by slice (records by input position). */
export interface CreateBatch {
  info: TypeInfo;
  /** The document's columns (a TSV's), for placing errors by row and column. */
  columns: RawRecord['columns'];
  prepared: PreparedRecord[];
  /** For each record, the records of the batch it links to. */
  dependsOn: number[][];
}

/** A job's slice of a createEntities or patchRecords batch, written (writeCreateSlice, patchSlice): its result, and what stopped the batch in it. */
export interface SliceWritten {
  result: SubmissionResultModel;
  /** A failure that would hit every record (credentials, an unreachable portal): at which record (input index), and why. */
  stopped: { at: number; why: string } | null;
}

/** How write() runs as one slice of a larger batch (a job's). */
interface WriteSlice {
  /** Records (by position) that must not be sent for a reason decided before this call (earlier slices). */
  skipped?: (i: number) => SkipReason | null;
  /** Earlier slices wrote records: a failure that stops the batch is reported per record, not thrown. */
  wroteBefore?: boolean;
  /** Told when such a failure stopped the batch in this slice. */
  onStop?: (index: number, error: GraphQLError) => void;
}

export interface PatchOptions extends PatchMode {
  dryRun: boolean;
  /** The profile every record must belong to (and TSV cells are cast by); else each record's own. */
  profile?: string | null;
}

/** Per request: one caller's ENCODE registrations and patches through its client and loaders. */
export class EncodeRegistrationService {
  /** One time budget for the whole operation: every phase of a long batch gives the event loop back. */
  private readonly slices = new TimeSlices();

  constructor(
    private readonly api: EncodeApi,
    private readonly loaders: EncodeLoaders,
    private readonly options: EncodeServiceOptions,
    /** This operation's upstream call budget: reads proportional to the input are granted. */
    private readonly calls?: { grant(n: number): void },
    /** Copies an `s3://` source's bytes to a registered file's S3 key (see EncodeUploadService.copy). */
    private readonly copySource?: (id: string, source: string) => Promise<UploadResultModel>,
  ) {}

  /**
   * Reads a batch may need beyond its writes (which each allow one): a record's 409 or lost answer
   * is looked up by up to a few keys, a patch reads its target and its edit frame.
   */
  private grantReads(records: number): void {
    this.calls?.grant(records * 3);
  }

  async create(profile: string, doc: SubmissionDocument, opts: CreateOptions): Promise<SubmissionResultModel> {
    return this.createRecords(profile, await this.readRecords(doc), opts);
  }

  /** The records of a document as createEntities/patchRecords read them (a job reads once, then sends slices). */
  readRecords(doc: SubmissionDocument): Promise<RawRecord[]> {
    return readRawRecords(doc, this.options.limits);
  }

  /** createEntities over records already read: the whole document, or a job's slice of it. */
  async createRecords(profile: string, raws: RawRecord[], opts: CreateOptions): Promise<SubmissionResultModel> {
    const info = await this.profile(profile);
    return placed(await this.createPrepared(raws, info, opts), raws);
  }

  private async createPrepared(raws: RawRecord[], info: TypeInfo, opts: CreateOptions): Promise<SubmissionResultModel> {
    const { prepared, dependsOn } = await this.prepareBatch(raws, info, opts);
    if (opts.dryRun) return this.dryRunCreate(prepared, info, opts.upsert);
    return this.writeCreates(prepared, dependsOn, info, opts);
  }

  /**
   * A createEntities batch prepared whole, as createEntities prepares it (the links between its
   * records resolved once, duplicates found across all of it), for a job to write slice by slice
   * with writeCreateSlice.
   */
  async prepareCreates(profile: string, raws: RawRecord[], opts: CreateOptions): Promise<CreateBatch> {
    const info = await this.profile(profile);
    return { info, columns: raws[0]?.columns ?? null, ...(await this.prepareBatch(raws, info, opts)) };
  }

  /**
   * Writes the records at input `positions` of a prepared batch: those they link to within the
   * slice first, as createEntities orders the whole batch. Records linked to from earlier slices
   * are already settled: `skipped` says which records must not be sent because of them, with the
   * reason createEntities would give.
   */
  async writeCreateSlice(batch: CreateBatch, positions: number[], opts: CreateOptions, skipped: (position: number) => SkipReason | null, wroteBefore: boolean): Promise<SliceWritten> {
    this.grantReads(positions.length);
    const at = new Map(positions.map((p, k) => [p, k]));
    const dependsOn = positions.map((p) => batch.dependsOn[p].flatMap((j) => (at.has(j) ? [at.get(j)!] : [])));
    let stopped: SliceWritten['stopped'] = null;
    const result = await this.writeCreates(positions.map((p) => batch.prepared[p]), dependsOn, batch.info, opts, {
      skipped: (k) => skipped(positions[k]),
      wroteBefore,
      onStop: (index, error) => (stopped = { at: index, why: error.message }),
    });
    await placeAllEntityErrors(result.entities, batch.columns);
    return { result, stopped };
  }

  private async prepareBatch(raws: RawRecord[], info: TypeInfo, opts: CreateOptions): Promise<{ prepared: PreparedRecord[]; dependsOn: number[][] }> {
    this.grantReads(raws.length);
    const inputs: InputRecord[] = [];
    for (const raw of raws) {
      await this.slices.pause();
      inputs.push(castRecord(raw, info, false));
    }
    const prepareOptions = this.prepareOptions(opts);
    const prepared = await this.inParallel(inputs, (input) => prepareCreate(input, info, prepareOptions));
    const aliasLab = prepareOptions.aliasLab;
    await this.slices.pause();
    const batch = await linkBatch(prepared, info, aliasLab, this.slices);
    for (const [i, dups] of batch.duplicates) {
      for (const { key, first } of dups) {
        const earlier = prepared[first]?.row ?? null;
        const where = earlier !== null ? `row ${earlier}` : `record ${first}`;
        prepared[i].errors.push(entityError('NOT_UNIQUE', `${key} is also given to ${where} of this batch`, [key.startsWith('md5:') ? 'md5sum' : 'aliases']));
      }
    }
    return { prepared, dependsOn: batch.dependsOn };
  }

  private writeCreates(prepared: PreparedRecord[], dependsOn: number[][], info: TypeInfo, opts: CreateOptions, slice: WriteSlice = {}): Promise<SubmissionResultModel> {
    return this.write(prepared, dependsOn, async (p) => this.withBytes(p, await postRecord({ api: this.api, info, upsert: opts.upsert }, p)), info.itemType, [], slice);
  }

  async patch(id: string, patch: Record<string, unknown>, opts: PatchOptions): Promise<SubmissionResultModel> {
    // The id is an argument: outside the identifier grammar, or naming what is not a record, it is the request's error, before any upstream call.
    await this.api.checkIdentifier(id);
    const raw: RawRecord = { index: 0, row: null, json: patch, cells: null, columns: null, errors: [] };
    return this.patchRecords([{ raw, id }], opts);
  }

  async patchMany(doc: SubmissionDocument, opts: PatchOptions): Promise<SubmissionResultModel> {
    return this.patchRaw(await this.readRecords(doc), opts);
  }

  /** patchRecords over records already read: the whole document. */
  async patchRaw(raws: RawRecord[], opts: PatchOptions): Promise<SubmissionResultModel> {
    return placed(await this.patchRecords(raws.map((raw) => ({ raw, id: recordIdOf(raw) })), opts), raws);
  }

  /**
   * A job's slice of a patchRecords batch: records keep their input index (messages name records
   * of the whole batch), and a failure that stops the batch is reported per record once earlier
   * slices wrote, as patchRecords reports it after its first write.
   */
  async patchSlice(raws: RawRecord[], opts: PatchOptions, wroteBefore: boolean): Promise<SliceWritten> {
    let stopped: SliceWritten['stopped'] = null;
    const result = await this.patchRecords(
      raws.map((raw) => ({ raw, id: recordIdOf(raw) })),
      opts,
      { wroteBefore, onStop: (index, error) => (stopped = { at: index, why: error.message }) },
    );
    return { result: await placed(result, raws), stopped };
  }

  /** The records of a job's patch batch after it stopped in an earlier slice: not sent, as patchRecords reports them, with no upstream call. */
  async notSentPatches(raws: RawRecord[], opts: PatchOptions, stopped: NonNullable<SliceWritten['stopped']>): Promise<SubmissionResultModel> {
    const only = opts.profile ? await this.profile(opts.profile) : null;
    const why = skipMessage({ kind: 'stopped', ...stopped }, stopped.at, null);
    const entities: EntityResultModel[] = [];
    for (const raw of raws) {
      await this.slices.pause();
      const aliases = only ? castRecord(raw, only, true).record.aliases : raw.json?.aliases;
      entities.push(notAttempted(raw, only?.itemType ?? null, aliases, why));
    }
    return summarizeEncode(entities, false, null);
  }

  private async patchRecords(items: { raw: RawRecord; id: string | null }[], opts: PatchOptions, slice: WriteSlice = {}): Promise<SubmissionResultModel> {
    this.grantReads(items.length);
    const profiles = await this.api.profiles();
    const only = opts.profile ? await this.profile(opts.profile) : null;
    // An id outside the identifier grammar fails its own row, before any URL is built from it.
    const targets = await this.inParallel(items, ({ id }) =>
      id ? this.api.getRecord(id).catch((err: unknown) => (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT' ? err : Promise.reject(err))) : Promise.resolve(null),
    );
    const prepareOptions = this.prepareOptions({ noAliases: true, dryRun: opts.dryRun, upsert: false });
    const failed: EntityResultModel[] = [];
    const jobs: PatchJob[] = [];
    await this.inParallel(items, async ({ raw, id }, i) => {
      const found = targets[i];
      const target = found instanceof GraphQLError ? null : found;
      const problem = found instanceof GraphQLError
        ? entityError('INVALID_VALUE', found.message, ['record_id'], 'record_id')
        : !id
        ? entityError('MISSING_PROPERTY', 'record_id is required: it names the record to patch (uuid, accession, alias or @id)', ['record_id'], 'record_id')
        : !target
          ? entityError('NOT_FOUND', `No ENCODE record answers to '${id}'`, ['record_id'], 'record_id')
          : null;
      const info = target ? this.infoOf(profiles, target) : null;
      if (problem || !info || !target) {
        failed[i] = failedEntity(raw, only?.itemType ?? null, [], [problem ?? entityError('NOT_FOUND', `No profile for '${id}'`)]);
        return;
      }
      if (only && only.itemType !== info.itemType) {
        failed[i] = failedEntity(raw, info.itemType, target.aliases, [entityError('INVALID_VALUE', `'${id}' is a ${info.itemType}, not a ${only.itemType}`, ['record_id'], 'record_id')]);
        return;
      }
      const input: InputRecord = castRecord(raw, only ?? info, true);
      delete input.record.record_id;
      const ownLab = typeof target.lab === 'string' ? labName(target.lab) : null;
      const prepared = await preparePatch(input, info, { ...prepareOptions, aliasLab: prepareOptions.aliasLab ?? ownLab });
      prepared.errors.push(...removalErrors(info, opts, prepared.record));
      if (!Object.keys(prepared.record).length && !opts.removeProperties.length && !prepared.errors.length) {
        prepared.errors.push(entityError('INVALID_VALUE', 'nothing to patch: the record gives no property to change'));
      }
      jobs[i] = { prepared, target, info };
    });

    const links = new LookedUpLinks(profiles);
    await links.load(this.loaders, jobs.filter(Boolean).flatMap((j) => linksToMerge(j.info, j.target, j.prepared.record)));
    if (opts.dryRun) return this.dryRunPatch(items.length, jobs, failed, opts, links);
    const order = items.map((_, i) => i);
    return this.write(
      order.map((i) => jobs[i]?.prepared ?? null),
      order.map(() => []),
      async (_p, i) => writePatch(this.api, jobs[i], opts, links),
      only?.itemType ?? null,
      failed,
      slice,
    );
  }

  private async dryRunCreate(prepared: PreparedRecord[], info: TypeInfo, upsert: boolean): Promise<SubmissionResultModel> {
    await this.slices.pause();
    const links = new LookedUpLinks(await this.api.profiles());
    const items: CheckItem[] = prepared.map((p) => ({ index: p.index, row: p.row, info, document: p.record, method: 'POST', action: 'create', errors: p.errors, warnings: p.warnings }));
    // One batch of lookups: every link, and every alias and md5 the records claim.
    const keys = prepared.flatMap((p) => p.keys.map((value) => ({ value, linkTo: [] as string[] })));
    await this.slices.pause();
    // Links are read from the database when the index misses them; new aliases (hundreds, all expected
    // to be free) from the index only.
    await Promise.all([links.load(this.loaders, await linksToLookUp(items, this.slices), false, this.slices), links.load(this.loaders, keys, true, this.slices)]);
    const existing: ReturnType<typeof existingOf>[] = [];
    for (const p of prepared) {
      await this.slices.pause();
      existing.push(existingOf(p, links));
    }
    // Links to records of this batch resolve to them: they would be written first.
    prepared.forEach((p, i) => {
      if (!existing[i]) p.keys.forEach((key) => links.addPending(key, info.itemType, i));
    });
    for (const [i, p] of prepared.entries()) {
      await this.slices.pause();
      const found = existing[i];
      if (!found) continue;
      const item = items[i];
      if (found.contentOnly) {
        item.errors = [...item.errors, entityError('NOT_UNIQUE', `md5sum ${String(p.record.md5sum)} is already registered: ${found.record['@id']}`, ['md5sum'], 'md5sum')];
      } else if (profileOfRecord(found.record) !== info.itemType) {
        item.errors = [...item.errors, entityError('NOT_UNIQUE', `${found.key} already names a ${String(found.record['@type']?.[0])}: ${found.record['@id']}`, ['aliases'], 'aliases')];
      } else if (upsert) {
        const edit = await this.api.getEditable(found.record['@id']);
        Object.assign(item, { method: 'PATCH', action: 'update', current: edit?.record, document: { ...(edit?.record ?? {}), ...p.record }, id: found.record.uuid, accession: found.record.accession ?? null });
      } else {
        Object.assign(item, { action: 'exists', id: found.record.uuid, accession: found.record.accession ?? null, document: p.record });
        item.warnings = [...item.warnings, `${found.key} already exists (${found.record.accession ?? found.record['@id']}): it would be left as it is`];
      }
    }
    // A record that exists is not written, so only its preparation problems count.
    const checked = await checkRecords(items.filter((item) => item.action !== 'exists'), links, await adminFor(this.api, items, this.slices), this.slices);
    const byIndex = new Map(checked.map((e) => [e.index, e]));
    const entities = items.map((item) => byIndex.get(item.index) ?? existsEntity(item));
    return summarizeEncode(entities, true, null);
  }

  private async dryRunPatch(count: number, jobs: PatchJob[], failed: EntityResultModel[], mode: PatchOptions, links: LookedUpLinks): Promise<SubmissionResultModel> {
    const edits = await this.inParallel(jobs, (job) => (job ? this.api.getEditable(job.target['@id']) : Promise.resolve(null)));
    const items: CheckItem[] = [];
    jobs.forEach((job, i) => {
      if (!job) return;
      const edit = edits[i]?.record ?? {};
      items.push(patchCheck(job, edit, mode, links, []));
    });
    await links.load(this.loaders, await linksToLookUp(items, this.slices), false, this.slices);
    const checked = await checkRecords(items, links, await adminFor(this.api, items, this.slices), this.slices);
    const byIndex = new Map(checked.map((e) => [e.index, e]));
    // Checked items carry their input index (a job's slice holds records of a larger batch).
    const entities = Array.from({ length: count }, (_, i) => failed[i] ?? byIndex.get(jobs[i]!.prepared.index)!);
    return summarizeEncode(entities, true, null);
  }

  /**
   * Writes with at most ENCODE_WRITE_CONCURRENCY in flight, a record after those it links to;
   * results in input order. A failure that would hit every record (credentials, an unreachable
   * portal) stops the batch: before anything was written it is the request's error; after, it is
   * reported on that record and the rest are marked not sent, so the caller knows what was written.
   */
  private async write(
    records: (PreparedRecord | null)[],
    dependsOn: number[][],
    send: (p: PreparedRecord, i: number) => Promise<Written>,
    type: string | null,
    done: EntityResultModel[] = [],
    { skipped = () => null, wroteBefore = false, onStop }: WriteSlice = {},
  ): Promise<SubmissionResultModel> {
    const entities: EntityResultModel[] = [...done];
    const statuses: (number | null)[] = [];
    let fatal: GraphQLError | null = null;
    let fatalAt = -1;
    // Messages name records by input index (a job's slice holds positions of a larger batch).
    const indexOf = (i: number) => records[i]?.index ?? i;
    const skip = (i: number, reason: SkipReason) => {
      const p = records[i];
      if (entities[i] || !p) return;
      entities[i] = p.errors.length ? failedEntity(p, type, p.record.aliases, p.errors, p.warnings) : notAttempted(p, type, p.record.aliases, skipMessage(reason, indexOf(fatalAt), fatal));
    };
    await runWithDependencies(
      dependsOn,
      this.options.writeConcurrency,
      async (i) => {
        const p = records[i];
        if (entities[i]) return false;
        if (!p) return false;
        const decided = skipped(i);
        if (decided) {
          skip(i, decided);
          return false;
        }
        if (p.errors.length) {
          entities[i] = failedEntity(p, type, p.record.aliases, p.errors, p.warnings);
          return false;
        }
        try {
          const written = await send(p, i);
          entities[i] = written.entity;
          statuses[i] = written.status;
          this.forget(written.entity);
          return written.entity.valid;
        } catch (err) {
          const error = err instanceof GraphQLError ? err : new GraphQLError((err as Error).message);
          if (!fatal) [fatal, fatalAt] = [error, i];
          entities[i] = failedEntity(p, type, p.record.aliases, [entityError(codeOfRequestError(error.extensions.code), error.message)]);
          return false;
        }
      },
      (i, reason) => skip(i, reason.kind === 'dependency' ? { kind: 'dependency', on: indexOf(reason.on) } : reason),
      () => fatal !== null,
    );
    if (fatal) onStop?.(indexOf(fatalAt), fatal);
    if (fatal && !wroteBefore && !entities.some((e) => e?.valid)) throw fatal;
    const last = [...statuses].reverse().find((s) => typeof s === 'number');
    return summarizeEncode(entities, false, last ?? (fatal ? Number((fatal as GraphQLError).extensions.upstreamStatus) || null : null));
  }

  /**
   * A file registered from an `s3://` source gets its bytes now: a record is never reported written
   * with success while its file was not uploaded. A record that existed is filled only while it is
   * still `uploading` (a re-run finishes what an earlier one left).
   */
  private async withBytes(p: PreparedRecord, written: Written): Promise<Written> {
    const { entity } = written;
    const record = entity.record as EncodeRecord | null | undefined;
    if (!p.copyFrom || !entity.valid || !record?.uuid) return written;
    if (entity.action === 'exists' && record.status !== 'uploading') return written;
    const copied: Pick<UploadResultModel, 'success' | 'message' | 'errors'> = this.copySource
      ? await this.copySource(record.uuid, p.copyFrom).catch((err: Error) => ({ success: false, message: err.message, errors: [] }))
      : { success: false, message: 'this gateway copies no s3:// sources', errors: [] };
    if (copied.success) {
      entity.warnings.push(`${p.copyFrom} copied: ${copied.message}`);
      return written;
    }
    const why = copied.errors[0]?.message ?? copied.message;
    entity.valid = false;
    entity.errors.push(entityError(copied.errors[0]?.type === 'UPLOAD_FAILED' || !copied.errors[0] ? 'UPLOAD_FAILED' : copied.errors[0].type, `registered as ${record.accession ?? record['@id']}, but its bytes were not copied from ${p.copyFrom}: ${why}; the record stays 'uploading' until they are (run this again, or uploadFile)`, ['submitted_file_name'], 'submitted_file_name'));
    return written;
  }

  /** Clears what a write changed from this request's loader, so a later read sees it. */
  private forget(entity: EntityResultModel): void {
    const record = entity.record as EncodeRecord | null;
    if (!record) return;
    for (const id of [record['@id'], record.uuid, record.accession, ...(record.aliases ?? [])]) if (id) this.loaders.record.clear(id);
  }

  /** The profile records would be created in, refused as createRecords refuses it (a job checks it before it is queued). */
  async checkProfile(name: string): Promise<void> {
    await this.profile(name);
  }

  private async profile(name: string): Promise<TypeInfo> {
    // A name outside the grammar (`../users`) is refused before any upstream call.
    checkEncodeTypeName(name);
    let info = (await this.api.profiles()).get(name);
    if (!info) info = (await this.api.profiles(true)).get(name);
    if (!info) throw badInput(`The ENCODE portal has no profile '${name}'`, 'profile');
    if (info.abstract) throw badInput(`'${name}' is an abstract profile; register records of one of its types: ${info.subtypes.join(', ')}`, 'profile');
    const why = await this.api.unreachableCollection(info.collection);
    if (why) throw badInput(`profile '${name}' is not valid: ${why}`, 'profile');
    return info;
  }

  private infoOf(profiles: ProfileSet, record: EncodeRecord): TypeInfo | null {
    const profile = profileOfRecord(record);
    return profile ? (profiles.get(profile) ?? null) : null;
  }

  private prepareOptions(opts: CreateOptions): PrepareOptions {
    const lab = opts.lab ?? this.options.lab;
    return {
      award: opts.award ?? this.options.award,
      lab,
      aliasLab: lab ? labName(lab) : null,
      noAliases: opts.noAliases,
      access: { uploadRoot: this.options.uploadRoot, maxBytes: this.options.maxUploadBytes, s3Endpoint: this.options.s3Endpoint, s3SourceBuckets: this.options.s3SourceBuckets },
      labNameOf: async (id) => {
        const found = await this.loaders.record.load(id);
        return typeof found?.name === 'string' ? found.name : null;
      },
      // Where the link would be looked up (a bare key inside its target's collection) must be a record.
      unreachableLink: async (value, linkTo) => this.api.unreachable(new LookedUpLinks(await this.api.profiles()).lookupId(value, linkTo)),
    };
  }

  /** `fn` over every item, at most ENCODE_WRITE_CONCURRENCY at a time, results in order. */
  private async inParallel<T, R>(items: T[], fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
    const out = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        await this.slices.pause();
        out[i] = await fn(items[i], i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.writeConcurrency, items.length) }, worker));
    return out;
  }
}

interface Existing {
  record: EncodeRecord;
  key: string;
  contentOnly: boolean;
}

/** The record a prepared record would collide with on the portal: by alias, else by md5. */
function existingOf(p: PreparedRecord, links: LookedUpLinks): Existing | null {
  for (const key of p.keys.filter((k) => !k.startsWith('md5:'))) {
    const record = links.record(key);
    if (record) return { record, key, contentOnly: false };
  }
  for (const key of p.keys.filter((k) => k.startsWith('md5:'))) {
    const record = links.record(key);
    if (record && !['deleted', 'replaced'].includes(String(record.status))) return { record, key, contentOnly: true };
  }
  return null;
}

function existsEntity(item: CheckItem): EntityResultModel {
  const failed = item.errors.length > 0;
  return {
    ...failedEntity(item, item.info.itemType, item.document.aliases, item.errors, item.warnings),
    action: failed ? null : 'exists',
    valid: !failed,
    id: item.id ?? null,
    accession: item.accession ?? null,
  };
}

function skipMessage(reason: SkipReason, fatalAt: number, fatal: GraphQLError | null): string {
  switch (reason.kind) {
    case 'dependency':
      return `Not sent: it links to record ${reason.on} of this batch, which was not written`;
    case 'cycle':
      return 'Not sent: it links, directly or not, to records of this batch that link back to it; register one without the link, then patch it';
    default:
      return `Not sent: the batch stopped at record ${reason.at ?? fatalAt} (${reason.why ?? fatal?.message ?? 'stopped'})`;
  }
}

/** Every error of a TSV's records named by row and column, as GDC's are (errors/place.ts), in turns of the event loop. */
async function placed(result: SubmissionResultModel, raws: RawRecord[]): Promise<SubmissionResultModel> {
  await placeAllEntityErrors(result.entities, raws[0]?.columns ?? null);
  return result;
}
