import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { sendWhenSlotFree } from '../upload-slots';
import { UsageError } from '../errors';
import { GatewayError, type GatewayClient } from '../gateway-client';
import type { ProgressFactory } from '../progress';
import { localPath, type ManifestFile, readManifest, resumePath, writeResume } from './manifest';

const UPLOAD = `mutation GdcUpload($input: UploadFileInput!) { uploadFile(input: $input) { id success message bytes md5sum errors { type message keys } } }`;
const FILE_NAME = `query GdcFileName($project: String!, $ids: [ID!]!) { gdcEntities(project: $project, ids: $ids) }`;
const DELETE = `mutation GdcDeleteBytes($project: String!, $id: ID!) { deleteFileBytes(project: $project, id: $id) { id success message fileState errors { type message keys } } }`;
const ABORT = `mutation GdcAbortUpload($project: String!, $id: ID!) { abortFileUpload(project: $project, id: $id) { id success message errors { type message keys } } }`;

export interface UploadOptions {
  /** -m: the manifest; or the file ids given on the command line with -p. */
  manifest?: string;
  ids: string[];
  project?: string;
  /** -f/--path: the directory holding the files named by file_name. */
  dir?: string;
  /** -n: files uploaded at once. */
  processes: number;
  action: 'upload' | 'delete' | 'abort';
  /** -c/--upload-part-size: bytes per part (the gateway holds it to [5 MiB, UPLOAD_PART_BYTES]). */
  partBytes?: number;
}

/** What an upload run tells whoever shows it: the terminal, and the --log-file. */
export interface UploadLog {
  info(message: string): void;
  error(message: string): void;
}

/** A refusal that is the whole run's (gateway unreachable, credentials refused): said once, exit 2, not once per file. */
function runWide(err: GatewayError): boolean {
  return !err.errors.length || err.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN');
}

/** One line per event on `out`, and the same with a time and level in the log file (gdc-client's format). */
export function uploadLog(out: NodeJS.WritableStream, logFile?: string): UploadLog {
  const fd = logFile ? fs.openSync(logFile, 'a') : null;
  const line = (level: string, message: string) => {
    out.write(`${message}\n`);
    if (fd !== null) fs.writeSync(fd, `${new Date().toISOString()}: ${level}: ${message}\n`);
  };
  return { info: (m) => line('INFO', m), error: (m) => line('ERROR', m) };
}

interface Target {
  entry: ManifestFile;
  project: string;
}

/**
 * `gdc upload` as gdc-client runs it, through the gateway's uploadFile (which sends the bytes to
 * GDC in parts and resumes a multipart upload that stopped: the parts GDC has are not sent again)
 * and deleteFileBytes. With a manifest, what is left to do is kept in `resume_<manifest>` beside
 * it as the run goes (a manifest itself); the next run with the same manifest picks it up and says
 * so, and it is removed once every file is done. Exit code: 0 every file done, 1 any failed.
 */
export async function uploadFiles(client: GatewayClient, options: UploadOptions, log: UploadLog, progress: ProgressFactory): Promise<number> {
  const all = targets(options);
  const resume = options.manifest && options.action === 'upload' ? resumePath(options.manifest) : null;
  let todo = all;
  if (resume && fs.existsSync(resume)) {
    const left = new Set(readManifest(resume).map((e) => e.id));
    todo = all.filter((t) => left.has(t.entry.id));
    log.info(`Resuming from ${resume}: ${all.length - todo.length} of ${all.length} file(s) were uploaded before`);
  }
  const remaining = new Map(todo.map((t) => [t.entry.id, t.entry]));
  const save = () => resume && writeResume(resume, [...remaining.values()]);
  save();
  const limit = pLimit(options.processes);
  const outcomes = await Promise.all(
    todo.map((t) =>
      limit(async () => {
        const done = options.action === 'upload' ? await uploadOne(client, t, options, log, progress) : await dropOne(client, t, options.action, log);
        if (done) {
          remaining.delete(t.entry.id);
          save();
        }
        return done;
      }),
    ),
  );
  const failed = outcomes.filter((ok) => !ok).length;
  const verb = { upload: 'uploaded', delete: 'deleted', abort: 'aborted' }[options.action];
  log.info(`${todo.length - failed} of ${todo.length} file(s) ${verb}${failed ? `, ${failed} failed${resume ? `: run the same command again to resume (${resume})` : ''}` : ''}`);
  return failed ? 1 : 0;
}

function targets(options: UploadOptions): Target[] {
  const entries: ManifestFile[] = options.manifest ? readManifest(options.manifest) : options.ids.map((id) => ({ id }));
  if (!entries.length) throw new UsageError('give -m manifest.yml or the file ids to upload');
  return entries.map((entry, i) => {
    const project = options.project ?? entry.project_id;
    if (!project) throw new UsageError(`${options.manifest ? `-m ${options.manifest}: files[${i}]` : entry.id} has no project_id: give -p PROGRAM-PROJECT`);
    return { entry, project };
  });
}

/** file_states whose bytes are already in GDC: nothing to send (a lost answer, or a run cut after the upload finished). */
const BYTES_THERE = new Set(['uploaded', 'md5summed', 'validating', 'validated', 'submitted', 'processing', 'processed', 'released']);

/**
 * The entity as GDC has it now: its file_name (a file id given without a manifest is looked for
 * by it, as gdc-client asks the API) and file_state (an upload a cut run finished need not be sent again).
 */
async function entityOf(client: GatewayClient, entry: ManifestFile, project: string): Promise<{ entry: ManifestFile; fileState: string | null }> {
  const { gdcEntities } = await client.request<{ gdcEntities: ({ properties?: { file_name?: unknown; file_state?: unknown } } | null)[] }>(FILE_NAME, { project, ids: [entry.id] });
  const props = gdcEntities[0]?.properties;
  const name = props?.file_name;
  const withName = !entry.file_name && !entry.local_file_path && typeof name === 'string' ? { ...entry, file_name: name } : entry;
  return { entry: withName, fileState: typeof props?.file_state === 'string' ? props.file_state : null };
}

async function uploadOne(client: GatewayClient, target: Target, options: UploadOptions, log: UploadLog, progress: ProgressFactory): Promise<boolean> {
  const { project } = target;
  const dir = options.dir;
  const { entry, fileState } = await entityOf(client, target.entry, project);
  const name = entry.file_name ?? entry.id;
  if (fileState && BYTES_THERE.has(fileState)) {
    log.info(`${entry.id}\t${name}\talready uploaded (file_state ${fileState}): nothing sent`);
    return true;
  }
  const file = localPath(entry, dir);
  if (!file) {
    log.error(`${entry.id}\t${name}\tFAILED: no local file (looked for ${[dir && entry.file_name ? path.join(dir, entry.file_name) : null, entry.local_file_path, entry.file_name].filter(Boolean).join(', ') || 'a file_name or local_file_path'})`);
    return false;
  }
  const size = fs.statSync(file).size;
  // A bar per attempt: one refused for want of a gateway upload slot is ended and sent again later.
  let bar!: ReturnType<ProgressFactory>;
  try {
    const send = () => {
      bar = progress(name, size);
      return client.upload<{ uploadFile: { success: boolean; message: string; bytes: number | null; md5sum: string | null } }>(
        UPLOAD,
        { input: { source: 'GDC', id: entry.id, project, file: null, ...(options.partBytes ? { partBytes: options.partBytes } : {}) } },
        [{ path: 'variables.input.file', filename: path.basename(file), size, open: () => fs.createReadStream(file) }],
        (n) => bar.tick(n),
      );
    };
    const { uploadFile: r } = await sendWhenSlotFree(send, () => bar.done());
    bar.done();
    if (r.success) log.info(`${entry.id}\t${name}\tuploaded: ${r.message}`);
    else log.error(`${entry.id}\t${name}\tFAILED: ${r.message}`);
    return r.success;
  } catch (err) {
    bar.done();
    if (!(err instanceof GatewayError) || runWide(err)) throw err;
    log.error(`${entry.id}\t${name}\tFAILED: ${err.message}`);
    return false;
  }
}

/** --delete (the bytes) or --abort (an unfinished multipart upload), one file. */
async function dropOne(client: GatewayClient, { entry, project }: Target, action: 'delete' | 'abort', log: UploadLog): Promise<boolean> {
  const name = entry.file_name ?? entry.id;
  try {
    const r =
      action === 'delete'
        ? (await client.request<{ deleteFileBytes: { success: boolean; message: string; fileState: string | null } }>(DELETE, { project, id: entry.id })).deleteFileBytes
        : (await client.request<{ abortFileUpload: { success: boolean; message: string } }>(ABORT, { project, id: entry.id })).abortFileUpload;
    const state = 'fileState' in r && r.fileState ? ` (file_state ${r.fileState})` : '';
    if (r.success) log.info(`${entry.id}\t${name}\t${action === 'delete' ? 'deleted' : 'aborted'}: ${r.message}${state}`);
    else log.error(`${entry.id}\t${name}\tFAILED: ${r.message}`);
    return r.success;
  } catch (err) {
    if (!(err instanceof GatewayError) || runWide(err)) throw err;
    log.error(`${entry.id}\t${name}\tFAILED: ${err.message}`);
    return false;
  }
}
