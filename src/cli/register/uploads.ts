import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { GatewayError, type GatewayClient } from '../gateway-client';
import { human } from '../progress';
import type { RunBars } from './bars';
import type { InputRecord } from './input';
import type { LocalFile } from './local-files';
import { type EntityResult, UPLOAD, type UploadResult } from './operations';
import { type ReportRow, reportRow } from './report';
import { sendWhenSlotFree } from '../upload-slots';
import type { RegisterOptions } from './run';

/** A record as the run ends: what was read, what the gateway answered, and its report line. */
export interface RecordOutcome {
  input: InputRecord;
  entity: EntityResult | undefined;
  report: ReportRow;
}

/** The file to upload for a record, or why none is (the report's `upload` cell). */
function plan(options: RegisterOptions, { input: r, entity, report }: RecordOutcome): { file: LocalFile; entity: EntityResult } | string | null {
  if (!r.localFile) return r.notes.length ? r.notes.join('; ') : null;
  if (report.failed || !entity?.id) return 'not uploaded: the record was not registered';
  if (options.dryRun) return 'not uploaded (dry run)';
  if (!options.uploadFile) return 'not uploaded (--no-upload-file)';
  const status = entity.record?.status;
  // Created now, or there from an earlier run that did not get to send its bytes.
  if (entity.action !== 'create' && !(entity.action === 'exists' && status === 'uploading')) {
    return `not uploaded: the record ${entity.action === 'exists' ? 'already existed' : `was ${entity.action ?? 'not written'}`}${status ? ` (status ${String(status)})` : ''}`;
  }
  return { file: r.localFile, entity };
}

/** Whether a record's file may be uploaded once its record is answered (it is local and uploads are on). */
export function mayUpload(options: RegisterOptions, r: InputRecord): boolean {
  return Boolean(r.localFile) && options.uploadFile && !options.dryRun;
}

/** An upload's line in the report, and the error that fails its row. */
interface Uploaded {
  upload: string;
  error: string | null;
}

/**
 * The local files of the records created (or existing and awaiting their bytes), uploaded
 * `options.parallel` at once, each with its bar. A record's upload starts as soon as its outcome
 * is known (`offer`, while the job still runs), once per record; `finish` uploads those answered
 * only at the end and fills in every row's `upload` (failing the row whose upload failed).
 */
export class RecordUploads {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly started = new Map<InputRecord, Promise<Uploaded>>();
  /** Records counted in the upload phase and not settled yet (started, or found to get no upload). */
  private readonly counted = new Set<InputRecord>();
  private announced = false;

  constructor(
    private readonly client: GatewayClient,
    private readonly options: RegisterOptions,
    private readonly bars: RunBars,
    private readonly records: InputRecord[],
  ) {
    this.limit = pLimit(options.parallel);
  }

  /** The upload phase counts every file that may be uploaded, at the first answer: those whose record fails are taken off. */
  private announce(): void {
    if (this.announced) return;
    this.announced = true;
    const files = this.records.filter((r) => mayUpload(this.options, r));
    files.forEach((r) => this.counted.add(r));
    if (files.length) this.bars.phase('upload', files.length, files.reduce((n, r) => n + r.localFile!.size, 0));
  }

  /** `input`'s record was answered: its file's upload starts, if it gets one. */
  offer(input: InputRecord, entity: EntityResult): void {
    if (this.started.has(input)) return;
    this.announce();
    const p = plan(this.options, { input, entity, report: reportRow(input, entity, null) });
    if (p !== null && typeof p !== 'string') return this.start(input, p);
    if (this.counted.delete(input)) this.bars.less(input.localFile!.size);
  }

  /** Uploads what was not offered yet, waits for every upload, and fills in every row's `upload`. */
  async finish(rows: RecordOutcome[]): Promise<void> {
    this.announce();
    for (const row of rows) {
      if (this.started.has(row.input)) continue;
      const p = plan(this.options, row);
      if (p !== null && typeof p !== 'string') {
        this.start(row.input, p);
        continue;
      }
      row.report.upload = p;
      if (this.counted.delete(row.input)) this.bars.less(row.input.localFile!.size);
    }
    for (const row of rows) {
      const done = this.started.get(row.input);
      if (!done) continue;
      const { upload, error } = await done;
      row.report.upload = upload;
      if (!error) continue;
      row.report.failed = true;
      row.report.errors.push(error);
    }
  }

  private start(input: InputRecord, p: { file: LocalFile; entity: EntityResult }): void {
    this.counted.delete(input);
    const upload = this.limit(() => uploadOne(this.client, p.file, p.entity, this.bars));
    // Awaited by finish, which says what went wrong; until then a failure is not "unhandled".
    upload.catch(() => undefined);
    this.started.set(input, upload);
  }
}

async function uploadOne(client: GatewayClient, f: LocalFile, entity: EntityResult, bars: RunBars): Promise<Uploaded> {
  const label = `${path.basename(f.path)} to ${entity.accession ?? entity.id}`;
  const file = [{ path: 'variables.input.file', filename: path.basename(f.path), size: f.size, open: () => fs.createReadStream(f.path) }];
  const variables = { input: { source: 'ENCODE', id: entity.id, file: null } };
  // A bar per attempt: one refused for want of a gateway upload slot is dropped, its bytes uncounted.
  let bar!: ReturnType<RunBars['file']>;
  let result: UploadResult;
  try {
    const send = () => {
      bar = bars.file(label, f.size);
      return client.upload<{ uploadFile: UploadResult }>(UPLOAD, variables, file, (n) => bar.tick(n));
    };
    result = (await sendWhenSlotFree(send, () => bar.drop())).uploadFile;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    result = { success: false, message: err.message, bytes: null, md5sum: null, errors: [] };
  }
  if (result.success) bar.done(`uploaded ${label} (${human(f.size)})`);
  else bar.done(`FAILED ${label}: ${result.message}`);
  if (result.success) return { upload: `uploaded ${human(f.size)}, md5 ${f.md5}`, error: null };
  return { upload: `failed: ${result.message}`, error: `upload: ${result.message}` };
}
