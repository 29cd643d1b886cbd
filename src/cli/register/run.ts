import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Connection, connect } from '../connect';
import { UsageError } from '../errors';
import { GatewayError } from '../gateway-client';
import { human, type ProgressFactory } from '../progress';
import { type InputRecord, parseInput, type ParsedInput } from './input';
import { measureFile } from './local-files';
import { CREATE, type EntityResult, PATCH, type SubmissionResult, UPLOAD, type UploadResult } from './operations';
import { type ReportRow, reportRow, writeReport } from './report';

export interface RegisterOptions {
  /** `-p`: the profile to POST to (required unless patching). */
  profile: string | null;
  infile: string;
  dryRun: boolean;
  /** False with `--no-aliases`. */
  aliases: boolean;
  /** False with `--no-upload-file`. */
  uploadFile: boolean;
  action: 'post' | 'patch' | 'rm-patch';
  overwriteArrays: boolean;
  removeProperties: string[];
  gateway?: string;
  dccMode?: string;
  report?: string;
}

export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  progress: ProgressFactory;
  env: NodeJS.ProcessEnv;
}

/**
 * `submission-gateway register`: eu_register's job through the gateway's GraphQL API. Reads the
 * input, measures local data files, registers (or patches) every record in one operation, uploads
 * the files of the records it created, and reports every record. Answers the exit code: 0 when
 * every record succeeded, 1 when any failed.
 */
export async function register(options: RegisterOptions, io: Io): Promise<number> {
  const input = readInput(options);
  await measureLocalFiles(input.records, io.progress);
  const document = input.render();
  const toSend = input.records.filter((r) => r.index !== null).length;

  const connection = await connect({ gateway: options.gateway, mode: options.dccMode, env: io.env });
  try {
    const verb = options.action === 'post' ? `Registering ${options.profile} records` : 'Patching records';
    io.err.write(`${verb} from ${options.infile} on ${connection.describe}${options.dryRun ? ' (dry run: nothing is written)' : ''}\n`);
    let requestError: string | null = null;
    let entities: EntityResult[] = [];
    if (toSend) {
      try {
        entities = (await submit(connection, options, input, document, io.env)).entities;
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        requestError = `the gateway refused the request: ${err.message}`;
      }
    }
    const rows = input.records.map((r) => ({ input: r, entity: resultFor(r, entities, input.format), report: undefined as unknown as ReportRow }));
    for (const r of rows) r.report = reportRow(r.input, r.entity, requestError);
    for (const r of rows) r.report.upload = await uploadStep(connection, options, r.input, r.entity, r.report, io);
    printRows(rows.map((r) => r.report), io.out);
    if (options.report) writeReport(options.report, rows.map((r) => r.report));
    const failed = rows.filter((r) => r.report.failed).length;
    io.err.write(`${rows.length} records: ${rows.length - failed} succeeded, ${failed} failed${options.report ? `; report in ${options.report}` : ''}\n`);
    return failed ? 1 : 0;
  } finally {
    await connection.close();
  }
}

function readInput(options: RegisterOptions): ParsedInput {
  let text: string;
  try {
    text = fs.readFileSync(options.infile, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the input file ${options.infile}: ${(err as Error).message}`);
  }
  const post = options.action === 'post';
  try {
    return parseInput(text, path.basename(options.infile), { measure: post, upload: post && options.uploadFile });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** md5 and size of every local file, each read once (a file named twice is measured once). */
async function measureLocalFiles(records: InputRecord[], progress: ProgressFactory): Promise<void> {
  const measured = new Map<string, Awaited<ReturnType<typeof measureFile>>>();
  for (const r of records) {
    if (!r.file || r.errors.length) continue;
    if (!measured.has(r.file)) {
      const bar = progress(`md5 ${path.basename(r.file)}`, fs.statSync(r.file).size);
      measured.set(r.file, await measureFile(r.file, (n) => bar.tick(n)));
      bar.done();
    }
    r.localFile = measured.get(r.file)!;
  }
}

async function submit(connection: Connection, options: RegisterOptions, input: ParsedInput, document: string, env: NodeJS.ProcessEnv): Promise<SubmissionResult> {
  const format = input.format.toUpperCase();
  const common = { source: 'ENCODE', file: null, format, dryRun: options.dryRun };
  const bytes = Buffer.from(document);
  const file = [{ path: 'variables.input.file', filename: input.filename, size: bytes.length, open: () => Readable.from([bytes]) }];
  if (options.action === 'post') {
    // The defaults eu_register takes from DCC_AWARD/DCC_LAB come from this machine's environment.
    const defaults = { ...(env.DCC_AWARD ? { award: env.DCC_AWARD } : {}), ...(env.DCC_LAB ? { lab: env.DCC_LAB } : {}) };
    const input_ = { ...common, profile: options.profile, noAliases: !options.aliases, ...defaults };
    return (await connection.client.upload<{ createEntities: SubmissionResult }>(CREATE, { input: input_ }, file)).createEntities;
  }
  const removeProperties = options.action === 'rm-patch' ? options.removeProperties : undefined;
  const input_ = { ...common, overwriteArrays: options.overwriteArrays, ...(removeProperties ? { removeProperties } : {}) };
  return (await connection.client.upload<{ patchRecords: SubmissionResult }>(PATCH, { input: input_ }, file)).patchRecords;
}

/** The gateway's result for an input record: by TSV line, else by position among those sent. */
function resultFor(r: InputRecord, entities: EntityResult[], format: 'json' | 'tsv'): EntityResult | undefined {
  if (r.index === null) return undefined;
  if (format === 'tsv' && r.row !== null) {
    const byRow = entities.find((e) => e.row === r.row);
    if (byRow) return byRow;
  }
  return entities.find((e) => e.index === r.index);
}

/** Uploads the record's local file when the record was just created (or exists and awaits its bytes). */
async function uploadStep(connection: Connection, options: RegisterOptions, r: InputRecord, entity: EntityResult | undefined, row: ReportRow, io: Io): Promise<string | null> {
  if (!r.localFile) return r.notes.length ? r.notes.join('; ') : null;
  if (row.failed || !entity?.id) return 'not uploaded: the record was not registered';
  if (options.dryRun) return 'not uploaded (dry run)';
  if (!options.uploadFile) return 'not uploaded (--no-upload-file)';
  const status = entity.record?.status;
  if (entity.action !== 'create' && !(entity.action === 'exists' && status === 'uploading')) {
    return `not uploaded: the record ${entity.action === 'exists' ? 'already existed' : `was ${entity.action ?? 'not written'}`}${status ? ` (status ${String(status)})` : ''}`;
  }
  const f = r.localFile;
  const bar = io.progress(`upload ${path.basename(f.path)} to ${entity.accession ?? entity.id}`, f.size);
  let result: UploadResult;
  try {
    const file = [{ path: 'variables.input.file', filename: path.basename(f.path), size: f.size, open: () => fs.createReadStream(f.path) }];
    result = (await connection.client.upload<{ uploadFile: UploadResult }>(UPLOAD, { input: { source: 'ENCODE', id: entity.id, file: null } }, file, (n) => bar.tick(n))).uploadFile;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    result = { success: false, message: err.message, bytes: null, md5sum: null, errors: [] };
  } finally {
    bar.done();
  }
  if (result.success) return `uploaded ${human(f.size)}, md5 ${f.md5}`;
  row.failed = true;
  row.errors.push(`upload: ${result.message}`);
  return `failed: ${result.message}`;
}

function printRows(rows: ReportRow[], out: NodeJS.WritableStream): void {
  for (const r of rows) {
    const where = r.row !== null ? `row ${r.row}` : `record ${r.index}`;
    const cells = [where, r.alias ?? '-', r.accession ?? '-', r.action ?? (r.failed ? 'failed' : '-'), r.upload ?? ''].filter((c, i) => i < 4 || c);
    out.write(`${cells.join('\t')}\n`);
    for (const e of r.errors) out.write(`    ${e}\n`);
  }
}
