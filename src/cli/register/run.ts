import fs from 'node:fs';
import path from 'node:path';
import { type Connection, connect } from '../connect';
import { UsageError } from '../errors';
import { GatewayError } from '../gateway-client';
import { followJob } from '../job/follow';
import type { JobView } from '../job/render';
import { type RunBars, runBars } from './bars';
import { type InputRecord, parseInput, type ParsedInput } from './input';
import { measureFile } from './local-files';
import type { EntityResult } from './operations';
import { type ReportRow, reportRow, writeReport } from './report';
import { JobEntities, startJob, submitNow } from './send';
import { type RecordOutcome, RecordUploads } from './uploads';

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
  /** `--parallel`: files uploaded at once. */
  parallel: number;
  /** `--detach`: start the job, print its id and leave it to the gateway (no uploads). */
  detach: boolean;
}

export interface Io {
  out: NodeJS.WritableStream;
  /** Progress and messages: bars when it is a terminal, plain lines otherwise. */
  err: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/**
 * `submission-gateway register`: eu_register's job through the gateway's GraphQL API. Reads the
 * input, measures local data files, registers (or patches) the records as a gateway job followed
 * over its progress subscription, uploads the files of the records it created, and reports every
 * record. Answers the exit code: 0 when every record succeeded, 1 when any failed; errors of the
 * whole run (nothing was done) are thrown for main to say once (exit 2).
 */
export async function register(options: RegisterOptions, io: Io): Promise<number> {
  if (options.detach && !options.gateway) throw new UsageError('--detach needs --gateway URL: without it the gateway runs in this process and ends with it');
  if (options.detach && options.dryRun) throw new UsageError('--detach does not apply to --dry-run: a dry run is answered at once, in this run');
  const input = readInput(options);
  const bars = runBars(io.err);
  let connection: Connection | null = null;
  try {
    await measureLocalFiles(input.records, bars);
    const document = input.render();
    const toSend = input.records.filter((r) => r.index !== null).length;
    connection = await connect({ gateway: options.gateway, mode: options.dccMode, env: io.env });
    const verb = options.action === 'post' ? `Registering ${options.profile} records` : 'Patching records';
    // Said once the gateway has taken the request: a refused one (unknown profile, bad document) is then the run's only line.
    const heading = `${verb} from ${options.infile} on ${connection.describe}`;
    let answer: Answer = { entities: [], unanswered: null };
    const uploads = new RecordUploads(connection.client, options, bars, input.records);
    if (toSend && options.dryRun) {
      // Synchronous on purpose: a dry run writes nothing and is checked as ONE batch (a record may
      // link to another of the input, duplicates are found across all of it), answered at once.
      answer.entities = (await submitNow(connection.client, options, input, document, io.env)).entities;
      bars.log(`${heading} (dry run: nothing is written)\n`);
    } else if (toSend) {
      const id = await startJob(connection.client, options, input, document, io.env);
      if (options.detach) return bars.stop(), detached(id, options, input.records, io);
      // The gateway this run started ends with it: only a running one's job can be seen from elsewhere.
      const elsewhere = options.gateway ? ` (also seen by: submission-gateway job watch --gateway ${options.gateway} ${id})` : '';
      bars.log(`${heading}: job ${id}${elsewhere}\n`);
      // A record's file is uploaded as soon as the job has answered for that record.
      const recordOf = inputRecordOf(input.records, input.format);
      answer = await followToEnd(connection, id, bars, (entity) => {
        const record = recordOf(entity);
        if (record) uploads.offer(record, entity);
      });
    }
    const results = resultsFor(input.records, answer.entities, input.format);
    const rows: RecordOutcome[] = input.records.map((r, i) => ({ input: r, entity: results[i], report: reportRow(r, results[i], results[i] ? null : answer.unanswered) }));
    if (!toSend) bars.log(`${heading}: nothing to send\n`);
    await uploads.finish(rows);
    bars.stop();
    printRows(rows.map((r) => r.report), io.out);
    if (options.report) writeReport(options.report, rows.map((r) => r.report));
    const failed = rows.filter((r) => r.report.failed).length;
    io.err.write(`${rows.length} records: ${rows.length - failed} succeeded, ${failed} failed${options.report ? `; report in ${options.report}` : ''}\n`);
    return failed ? 1 : 0;
  } finally {
    bars.stop();
    await connection?.close();
  }
}

/** What the gateway answered: an entity per record it handled, and why the others were not sent. */
interface Answer {
  entities: EntityResult[];
  unanswered: string | null;
}

/**
 * The job's progress to the bars until it ends; each entity to `onEntity` as soon as the job has
 * recorded it (read as progress advances), then every entity it recorded.
 */
async function followToEnd(connection: Connection, id: string, bars: RunBars, onEntity: (entity: EntityResult) => void): Promise<Answer> {
  // Nothing recorded and the job failed: its error is the whole run's (refused credentials), said once by main.
  const runWide = (j: JobView) => j.state === 'FAILED' && j.progress.done === 0;
  const entities = new JobEntities(connection.client, id, onEntity);
  let read = 0;
  const job = await followJob({ url: connection.client.url, headers: connection.client.headers, id }, (j) => {
    if (runWide(j)) return;
    bars.job.show(j);
    if (j.progress.done <= read) return;
    read = j.progress.done;
    // A read that fails here is made again at the end, where its error is the run's.
    entities.refresh().catch(() => undefined);
  });
  bars.jobEnded();
  if (runWide(job)) throw new GatewayError(`job ${id} failed before registering any record: ${job.error ?? 'no reason given'}`);
  await entities.refresh();
  return { entities: entities.all(), unanswered: job.state === 'SUCCEEDED' ? null : `not sent: job ${id} ended ${job.state} (${whyEnded(job)})` };
}

function whyEnded(job: JobView): string {
  return job.error ?? job.progress.message ?? `${job.progress.done} of ${job.progress.total ?? '?'} done`;
}

/**
 * `--detach`: the job id on stdout (for a script), how to follow it on stderr. Files are not
 * uploaded: that needs this run to wait for the records. Records held back here are reported
 * (exit 1), since the job will not have them.
 */
function detached(id: string, options: RegisterOptions, records: InputRecord[], io: Io): number {
  io.out.write(`${id}\n`);
  io.err.write(`Job ${id} started; follow it with: submission-gateway job watch --gateway ${options.gateway} ${id}\n`);
  if (records.some((r) => r.localFile)) {
    io.err.write('Files are not uploaded by a detached run: once the job has ended, run the same command without --detach to upload them (records awaiting their file get it)\n');
  }
  const held = records.filter((r) => r.errors.length);
  for (const r of held) io.err.write(`not sent: ${r.row !== null ? `row ${r.row}` : `record ${r.position}`} ${r.alias ?? '-'}: ${r.errors.join('; ')}\n`);
  return held.length ? 1 : 0;
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
async function measureLocalFiles(records: InputRecord[], bars: RunBars): Promise<void> {
  const files = [...new Set(records.filter((r) => r.file && !r.errors.length).map((r) => r.file!))];
  if (!files.length) return;
  const sizes = files.map((f) => fs.statSync(f).size);
  bars.phase('md5', files.length, sizes.reduce((a, b) => a + b, 0));
  const measured = new Map<string, Awaited<ReturnType<typeof measureFile>>>();
  for (const [i, file] of files.entries()) {
    const bar = bars.file(`md5 ${path.basename(file)}`, sizes[i]);
    measured.set(file, await measureFile(file, (n) => bar.tick(n)));
    bar.done();
  }
  for (const r of records) if (r.file && !r.errors.length) r.localFile = measured.get(r.file)!;
}

/** The input record an entity answers for: by TSV line, else by position among those sent (as resultsFor matches them). */
function inputRecordOf(records: InputRecord[], format: 'json' | 'tsv'): (entity: EntityResult) => InputRecord | undefined {
  const sent = records.filter((r) => r.index !== null);
  const byRow = new Map(format === 'tsv' ? sent.filter((r) => r.row !== null).map((r) => [r.row, r]) : []);
  const byIndex = new Map(sent.map((r) => [r.index, r]));
  return (e) => (e.row !== null ? byRow.get(e.row) : undefined) ?? byIndex.get(e.index);
}

/** The gateway's result for each input record: by TSV line, else by position among those sent. */
function resultsFor(records: InputRecord[], entities: EntityResult[], format: 'json' | 'tsv'): (EntityResult | undefined)[] {
  const byRow = new Map(format === 'tsv' ? entities.filter((e) => e.row !== null).map((e) => [e.row, e]) : []);
  const byIndex = new Map(entities.map((e) => [e.index, e]));
  return records.map((r) => (r.index === null ? undefined : ((r.row !== null ? byRow.get(r.row) : undefined) ?? byIndex.get(r.index))));
}

function printRows(rows: ReportRow[], out: NodeJS.WritableStream): void {
  for (const r of rows) {
    const where = r.row !== null ? `row ${r.row}` : `record ${r.index}`;
    const cells = [where, r.alias ?? '-', r.accession ?? '-', r.action ?? (r.failed ? 'failed' : '-'), r.upload ?? ''].filter((c, i) => i < 4 || c);
    out.write(`${cells.join('\t')}\n`);
    for (const e of r.errors) out.write(`    ${e}\n`);
  }
}
