import { type Readable, Transform } from 'node:stream';
import { GraphQLError } from 'graphql';
import type { FileUpload } from 'graphql-upload-minimal';
import { parseProject } from '../../datasources/gdc/client';
import type { GdcApi } from '../../datasources/gdc/client';
import { GdcFileRefusal } from '../../datasources/gdc/files';
import type { GdcLoaders } from '../../datasources/gdc/loaders';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import { badInput } from '../documents';
import { Md5OffThread } from '../md5-off-thread';
import type { EntityErrorCode } from '../errors/codes';
import { entityError, type EntityErrorModel, type UploadAbortModel, type UploadObserver, type UploadResultModel } from '../result';
import { fileParts, PartPool } from '../../datasources/s3/parts';
import type { UploadStates } from '../upload-state';
import { type PartsOutcome, sendParts } from './upload/multipart';

/** S3 refuses parts below 5 MiB (all but the last). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * gdc-client's default part size (1 GiB, which it rounds up to the next 4 KiB page: a file of
 * exactly 1 GiB still goes in one PUT): it sends a smaller file in one PUT, and so does
 * uploadFile without `partBytes`, streamed. One PUT costs GDC's files endpoint far less than parts
 * (the sandbox: 5-7 CPU s per GiB against 16-18 for 128 parts of 8 MiB; gdc-client's one PUT was
 * 3× the gateway's parts in `npm run bench -- upload`), but cannot be resumed: an interrupted one
 * is sent again whole, as with gdc-client. Larger files, and uploads given `partBytes`, go in parts.
 */
export const SINGLE_PUT_BELOW_BYTES = 1024 ** 3 + 4096;

/** What a GDC upload may use, built per request in the context. */
export interface GdcUploadDeps {
  api: GdcApi;
  loaders: GdcLoaders;
  limits: { maxDataFileBytes: number };
  /** Below this a file goes in one PUT; above, in parts of this size (UPLOAD_PART_BYTES, ≥ 5 MiB). */
  partBytes: number;
  /** Parts in flight at once: memory is about partBytes × (parallelParts + 1). */
  parallelParts: number;
  /** Where unfinished multipart uploads are remembered, so a new try resumes them (disk, or Redis with REDIS_URL). */
  states: UploadStates;
  observe?: UploadObserver;
}

export interface GdcUploadRequest {
  /** The data file entity id (uuid). */
  id: string;
  /** PROGRAM-PROJECT of the entity. */
  project: string | null;
  file: Promise<FileUpload>;
  /** This upload's part size (gdc-client's --upload-part-size), within [MIN_PART_BYTES, deps.partBytes]; null = deps.partBytes. */
  partBytes?: number | null;
}

/**
 * `uploadFile(source: GDC)`: a data file's bytes to the submission API's files endpoint, as
 * gdc-client sends them. Below the part size, one PUT of the bytes (held in memory, so their md5
 * and size are checked before anything is sent). Above it, S3 multipart: parts read one after the
 * other, several in flight, each retried on its own; md5 and size computed on the way and checked
 * against the entity's md5sum and file_size before the upload is completed (a mismatch aborts it).
 * An upload that stops halfway stays open upstream and is resumed by the next try with the same
 * file: the parts GDC already has (same number, size and md5) are not sent again.
 */
export async function uploadGdcFile(deps: GdcUploadDeps, request: GdcUploadRequest): Promise<UploadResultModel> {
  if (!request.project) throw badInput('project is required for GDC (PROGRAM-PROJECT)', 'project');
  const project = parseProject(request.project);
  const partBytes = request.partBytes ?? deps.partBytes;
  if (!Number.isInteger(partBytes) || partBytes < MIN_PART_BYTES || partBytes > Math.max(deps.partBytes, MIN_PART_BYTES)) {
    // Each part is held in memory (parallelParts + 1 of them): the operator's UPLOAD_PART_BYTES bounds it.
    throw badInput(`partBytes must be a whole number of bytes from ${MIN_PART_BYTES} (5 MiB, S3's least) to ${Math.max(deps.partBytes, MIN_PART_BYTES)} (UPLOAD_PART_BYTES)`, 'partBytes');
  }
  const file = await request.file;
  const stream = file.createReadStream() as Readable & { truncated?: boolean };
  try {
    const entity = await deps.loaders.entity.load({ project: request.project, id: request.id });
    const props = entity?.properties;
    if (!props) return refused(request.id, `GDC has no entity ${request.id} in ${request.project}`, 'NOT_FOUND', ['id']);
    if (!('file_state' in props)) return refused(request.id, `${props.type} ${request.id} is not a data file: it has no bytes to upload`, 'INVALID_TYPE', ['type']);
    const expected = { bytes: numberOr(props.file_size), md5: typeof props.md5sum === 'string' ? props.md5sum.toLowerCase() : null };
    if (expected.bytes !== null && expected.bytes > deps.limits.maxDataFileBytes) {
      return refused(request.id, `The entity's file_size (${expected.bytes}) is above the ${deps.limits.maxDataFileBytes}-byte limit for data files`, 'INVALID_VALUE', ['file_size']);
    }
    const result = await send({ ...deps, partBytes }, project, request.id, stream, expected, request.partBytes != null);
    deps.observe?.({ source: 'GDC', bytes: result.bytes ?? 0, success: result.success });
    return result;
  } finally {
    // Whatever was not read (a refusal, a failed part) is drained, so the caller gets this answer.
    stream.on('error', () => undefined);
    stream.resume();
  }
}

interface Expected {
  bytes: number | null;
  md5: string | null;
}

async function send(deps: GdcUploadDeps, project: GdcProjectRef, id: string, stream: Readable & { truncated?: boolean }, expected: Expected, partsAsked: boolean): Promise<UploadResultModel> {
  const partBytes = Math.max(deps.partBytes, MIN_PART_BYTES);
  const state = deps.states.of('GDC', `${project.program}-${project.project}`, id);
  // Held in memory below the part size (checked before anything is sent); streamed in one PUT up
  // to gdc-client's part size, unless an interrupted multipart upload of the file is to be resumed.
  const size = expected.bytes;
  if (!partsAsked && size !== null && size >= partBytes && size < SINGLE_PUT_BELOW_BYTES && !(await state.load())) {
    return sendOnePut(deps, project, id, stream, { bytes: size, md5: expected.md5 });
  }
  // On a worker thread, as for ENCODE uploads (../md5-off-thread.ts).
  const md5 = new Md5OffThread();
  let bytes = 0;
  const pool = new PartPool(partBytes);
  const parts = fileParts(stream, pool, (chunk) => {
    bytes += chunk.length;
    if (expected.bytes !== null && bytes > expected.bytes) throw new SizeError(expected.bytes);
    if (bytes > deps.limits.maxDataFileBytes) throw new SizeError(deps.limits.maxDataFileBytes);
    return md5.update(chunk);
  });
  let first: IteratorResult<Buffer>;
  try {
    first = await parts.next();
  } catch (err) {
    return failed(id, err, bytes);
  }
  try {
    const start: Start = first.done ? { kind: 'single', body: Buffer.alloc(0) } : await peekEnd(parts, first.value);
    if (start.kind === 'single') {
      const body = start.body;
      const digest = await md5.digest();
      const mismatch = check(expected, body.length, digest, stream);
      if (mismatch) return mismatch(id, 'nothing was sent');
      await deps.api.files.put(project, id, body);
      await state.clear();
      return { source: 'GDC', id, success: true, message: `Uploaded ${body.length} bytes in one PUT; md5 and size match the entity.`, bytes: body.length, md5sum: digest, errors: [] };
    }
    const outcome: PartsOutcome = await sendParts(deps, project, id, state, pool, start.parts);
    if (outcome.kind === 'interrupted') {
      return {
        source: 'GDC',
        id,
        success: false,
        message: `${outcome.reason}. ${outcome.uploaded} part(s) of ${expected.bytes === null ? '?' : Math.ceil(expected.bytes / partBytes)} are uploaded (upload ${outcome.uploadId}); upload the same file again to resume: the parts GDC has are not sent again.`,
        bytes,
        md5sum: null,
        errors: [entityError('UPLOAD_FAILED', outcome.reason, ['file'])],
      };
    }
    const digest = await md5.digest();
    const mismatch = check(expected, bytes, digest, stream);
    if (mismatch) {
      await deps.api.files.abort(project, id, outcome.uploadId);
      await state.clear();
      return mismatch(id, 'the multipart upload was aborted (file_state is registered again)');
    }
    await deps.api.files.complete(project, id, outcome.uploadId, outcome.parts);
    await state.clear();
    const reused = outcome.reused ? `, ${outcome.reused} of them already there from an earlier try` : '';
    return { source: 'GDC', id, success: true, message: `Uploaded ${bytes} bytes in ${outcome.parts.length} parts${reused}; md5 and size match the entity.`, bytes, md5sum: digest, errors: [] };
  } catch (err) {
    return failed(id, err, bytes);
  } finally {
    // Nothing once digested; the worker's hash of a failed upload otherwise.
    md5.discard();
  }
}

/**
 * One PUT streamed from the caller's bytes, with the entity's file_size as its Content-Length.
 * Size and md5 are measured on the way, and the last chunk is held until the md5 is known: bytes
 * that are not the entity's stop the PUT before it is complete, so GDC stores nothing.
 */
async function sendOnePut(deps: GdcUploadDeps, project: GdcProjectRef, id: string, stream: Readable & { truncated?: boolean }, expected: { bytes: number; md5: string | null }): Promise<UploadResultModel> {
  const md5 = new Md5OffThread();
  let bytes = 0;
  let digest: string | null = null;
  /** Why the body was stopped (the PUT then fails with whatever undici makes of it); the caller's stream failing included. */
  const stop: { why: SizeError | Mismatch | null; caller: Error | null } = { why: null, caller: null };
  let held: Buffer | null = null;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      // uploadGdcFile refused a file_size above MAX_DATA_FILE_BYTES: the entity's is the bound.
      if (bytes > expected.bytes) return done((stop.why = new SizeError(expected.bytes)));
      const previous = held;
      held = chunk;
      const wait = md5.update(chunk);
      if (wait) wait.then(() => done(null, previous), done);
      else done(null, previous);
    },
    flush(done) {
      md5.digest().then((d) => {
        digest = d;
        stop.why = check(expected, bytes, d, stream);
        done(stop.why ? new Error("the bytes are not the entity's") : null, held);
      }, done);
    },
  });
  stream.on('error', (err) => body.destroy((stop.caller = err)));
  stream.pipe(body);
  try {
    await deps.api.files.putStream(project, id, body, expected.bytes);
  } catch (err) {
    const why = stop.why;
    if (why instanceof SizeError) return failed(id, why, bytes);
    if (why) return why(id, 'the PUT was stopped before its last bytes, so GDC stored nothing');
    if (err instanceof GdcFileRefusal || err instanceof GraphQLError) return failed(id, err, bytes);
    const reason = stop.caller
      ? `The file's bytes stopped coming after ${bytes} of ${expected.bytes} (${stop.caller.message}), so the PUT was stopped and GDC stored nothing; one PUT cannot be resumed: upload the file again`
      : `The connection to GDC failed after ${bytes} of ${expected.bytes} bytes (${(err as Error).message}); one PUT cannot be resumed: upload the file again`;
    return { source: 'GDC', id, success: false, message: `${reason}.`, bytes, md5sum: null, errors: [entityError('UPLOAD_FAILED', reason, ['file'])] };
  } finally {
    md5.discard();
    // GDC may answer before reading every byte (a refusal): the caller's bytes are drained instead (uploadGdcFile).
    stream.unpipe(body);
    body.destroy();
  }
  return { source: 'GDC', id, success: true, message: `Uploaded ${bytes} bytes in one PUT; md5 and size match the entity.`, bytes, md5sum: digest, errors: [] };
}

type Start = { kind: 'single'; body: Buffer } | { kind: 'multipart'; parts: AsyncGenerator<Buffer> };

/** After the first part: if the stream has ended, the whole file is that one buffer. */
async function peekEnd(parts: AsyncGenerator<Buffer>, first: Buffer): Promise<Start> {
  const second = await parts.next();
  if (second.done) return { kind: 'single', body: first };
  return {
    kind: 'multipart',
    parts: (async function* () {
      yield first;
      yield second.value;
      yield* parts;
    })(),
  };
}

class SizeError extends Error {
  override readonly name = 'SizeError';

  constructor(readonly limit: number) {
    super(`The file has more bytes than the ${limit} expected`);
  }
}

type Mismatch = (id: string, what: string) => UploadResultModel;

/** The bytes against the entity: size, then md5; a function that words the refusal, or null. */
function check(expected: Expected, bytes: number, digest: string, stream: { truncated?: boolean }): Mismatch | null {
  const errors: EntityErrorModel[] = [];
  if (stream.truncated) errors.push(entityError('INVALID_VALUE', 'The upload was cut at the request size limit: the file is larger than the gateway accepts', ['file']));
  else if (expected.bytes !== null && bytes !== expected.bytes) {
    errors.push(entityError('INVALID_VALUE', `The file has ${bytes} bytes; the entity's file_size is ${expected.bytes}`, ['file_size']));
  } else if (expected.md5 !== null && digest !== expected.md5) {
    errors.push(entityError('INVALID_VALUE', `The md5 of the file's bytes is ${digest}; the entity's md5sum is ${expected.md5}`, ['md5sum']));
  }
  if (!errors.length) return null;
  return (id, what) => ({ source: 'GDC', id, success: false, message: `${errors[0].message}: ${what}.`, bytes, md5sum: digest, errors });
}

function failed(id: string, err: unknown, bytes: number): UploadResultModel {
  if (err instanceof SizeError) {
    const error = entityError('INVALID_VALUE', `The file has more bytes than the entity's file_size (${err.limit})`, ['file_size']);
    return { source: 'GDC', id, success: false, message: `${error.message}: nothing was completed.`, bytes, md5sum: null, errors: [error] };
  }
  if (err instanceof GdcFileRefusal) {
    const error = { ...entityError('UPLOAD_FAILED', `GDC refused the upload (HTTP ${err.status}): ${err.message}`, ['file']), upstreamMessage: err.message };
    return { source: 'GDC', id, success: false, message: `GDC refused the upload (HTTP ${err.status}): ${err.message}`, bytes, md5sum: null, errors: [error] };
  }
  throw err;
}

function refused(id: string, message: string, type: EntityErrorCode, keys: string[]): UploadResultModel {
  return { source: 'GDC', id, success: false, message, bytes: 0, md5sum: null, errors: [entityError(type, message, keys)] };
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * `abortFileUpload`: drops the multipart upload an interrupted uploadFile left open (gdc-client's
 * --abort), found where this gateway remembers it; GDC's files endpoint cannot list uploads.
 */
export async function abortGdcUpload(deps: Pick<GdcUploadDeps, 'api' | 'states'>, project: string, id: string): Promise<UploadAbortModel> {
  const ref = parseProject(project);
  const state = deps.states.of('GDC', `${ref.program}-${ref.project}`, id);
  const saved = await state.load();
  if (!saved) {
    const message = `No unfinished upload of ${id} in ${project} is known to this gateway: nothing to abort`;
    return { id, success: false, message, errors: [entityError('NOT_FOUND', message, ['id'])] };
  }
  try {
    await deps.api.files.abort(ref, id, saved.uploadId);
  } catch (err) {
    if (!(err instanceof GdcFileRefusal)) throw err;
    const message = `GDC refused to abort upload ${saved.uploadId} (HTTP ${err.status}): ${err.message}`;
    return { id, success: false, message, errors: [entityError('ERROR', message, ['id'])] };
  }
  await state.clear();
  return { id, success: true, message: `Aborted the multipart upload ${saved.uploadId} of ${id}: GDC dropped its parts; the next upload starts afresh.`, errors: [] };
}
