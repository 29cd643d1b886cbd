import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { GatewayError, type GatewayClient } from '../gateway-client';
import { human } from '../progress';
import type { RunBars } from './bars';
import type { InputRecord } from './input';
import type { LocalFile } from './local-files';
import { type EntityResult, UPLOAD, type UploadResult } from './operations';
import type { ReportRow } from './report';
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

/**
 * Uploads the local files of the records just created (or existing and awaiting their bytes),
 * `options.parallel` at once, each with its bar; fills in every row's `upload` (and fails the row
 * whose upload failed).
 */
export async function uploadFiles(client: GatewayClient, options: RegisterOptions, rows: RecordOutcome[], bars: RunBars): Promise<void> {
  const todo: { row: RecordOutcome; file: LocalFile; entity: EntityResult }[] = [];
  for (const row of rows) {
    const p = plan(options, row);
    if (p === null || typeof p === 'string') row.report.upload = p;
    else todo.push({ row, ...p });
  }
  if (!todo.length) return;
  bars.phase('upload', todo.length, todo.reduce((n, t) => n + t.file.size, 0));
  const limit = pLimit(options.parallel);
  await Promise.all(todo.map((t) => limit(async () => (t.row.report.upload = await uploadOne(client, t.file, t.entity, t.row.report, bars)))));
}

async function uploadOne(client: GatewayClient, f: LocalFile, entity: EntityResult, row: ReportRow, bars: RunBars): Promise<string> {
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
  if (result.success) return `uploaded ${human(f.size)}, md5 ${f.md5}`;
  row.failed = true;
  row.errors.push(`upload: ${result.message}`);
  return `failed: ${result.message}`;
}
