import type { Readable } from 'node:stream';
import type { FileUpload } from 'graphql-upload-minimal';
import type { EncodeUploadApi } from '../../datasources/encode/client';
import type { EncodeRecord, EncodeUploadCredentials } from '../../datasources/encode/models';
import { ResumedUploadGone } from '../../datasources/s3/multipart';
import { parseS3Url, type S3Location, S3UploadError, type S3Uploader } from '../../datasources/s3/uploader';
import type { EntityErrorCode } from '../errors/codes';
import { entityError, type EntityErrorModel, type UploadObserver, type UploadResultModel } from '../result';
import type { UploadStates } from '../upload-state';
import { discard, feed, type OpenUpload, openUpload, type UploadLimits, UploadMeter, UploadRefused } from '../upload-stream';

/** Credentials closer than this to their expiration are renewed first: they must outlast the upload. */
export const RENEW_WITHIN_MS = 60 * 60 * 1000;
const MD5 = /^[0-9a-f]{32}$/i;

/** How a caller's bytes may be read. */
export interface UploadOptions {
  /** The file can be read again from its first byte (a job's spooled copy), so a lost earlier upload is replaced at once. */
  replayable?: boolean;
  /** Told the bytes in S3 so far, as parts land (a resumed upload starts at what an earlier try sent). */
  onProgress?: (bytes: number) => void;
}

interface Target {
  record: EncodeRecord;
  md5: string;
  size: number | null;
  credentials: EncodeUploadCredentials;
  location: S3Location;
  renewed: boolean;
}

/**
 * Per request: streams a file's bytes to the S3 key the ENCODE portal issued for its record, as
 * eu_register does with `aws s3 cp`, but checked: the md5 and size must be the record's, or the
 * upload is forgotten before S3 completes it. Nothing is buffered beyond the parts in flight.
 *
 * A multipart upload cut short (S3 failing, the caller's bytes stopping, the gateway killed) stays
 * open and remembered (`states`, by record uuid): the next try of the same file sends only the
 * parts S3 does not have yet, as `aws s3 cp` cannot (ENCODE's credentials cannot list parts).
 */
export class EncodeUploadService {
  constructor(
    private readonly api: EncodeUploadApi,
    private readonly s3: S3Uploader,
    private readonly limits: UploadLimits,
    private readonly states: UploadStates,
    private readonly observe?: UploadObserver,
  ) {}

  async upload(id: string, file: Promise<FileUpload>, options: UploadOptions = {}): Promise<UploadResultModel> {
    const source = await openUpload(file);
    let target: Target | UploadResultModel;
    try {
      target = await this.target(id);
    } catch (err) {
      discard(source.stream);
      throw err;
    }
    if (!('location' in target)) {
      discard(source.stream);
      return target;
    }
    return this.send(id, target, source, options.replayable ? () => openUpload(file) : null, options);
  }

  /**
   * The bytes of another store's object (an `s3://` submitted_file_name, read with the gateway's
   * own credentials by `open`) streamed to the file record's S3 key, with the same checks as an
   * upload. `open` runs only once the record is known to take them.
   */
  async copy(id: string, from: string, open: () => Promise<Readable>): Promise<UploadResultModel> {
    const target = await this.target(id);
    if (!('location' in target)) return target;
    let stream: Readable;
    try {
      stream = await open();
    } catch (err) {
      return this.result(id, false, (err as Error).message, null, [entityError('UPLOAD_FAILED', (err as Error).message, ['submitted_file_name'])]);
    }
    const reopen = async (): Promise<OpenUpload> => ({ filename: from, stream: await open(), truncated: () => false });
    return this.send(id, target, { filename: from, stream, truncated: () => false }, reopen);
  }

  /** `reopen`: the source again from its first byte, when it can be read twice. */
  private async send(id: string, target: Target, source: OpenUpload, reopen: (() => Promise<OpenUpload>) | null, options: UploadOptions = {}): Promise<UploadResultModel> {
    const meter = new UploadMeter({
      limit: { bytes: this.limits.maxDataFileBytes, setting: 'MAX_DATA_FILE_BYTES' },
      expectedBytes: target.size,
      expectedMd5: target.md5,
      truncated: source.truncated,
    });
    feed(source, meter);
    const { credentials: c, location } = target;
    const credentials = { accessKeyId: c.access_key, secretAccessKey: c.secret_key, sessionToken: c.session_token || undefined };
    const memory = this.states.of('ENCODE', 'file', target.record.uuid);
    try {
      const sent = await this.s3.upload({ location, credentials, body: meter, md5: target.md5, size: target.size, memory, onProgress: options.onProgress });
      this.observe?.({ source: 'ENCODE', bytes: meter.bytes - sent.reusedBytes, success: true });
      const parts = sent.parts === 1 ? 'one PUT' : `${sent.parts} parts`;
      const reused = sent.reused ? ` (${sent.reused} of them, ${sent.reusedBytes} bytes, already in S3 from an earlier try)` : '';
      const renewed = target.renewed ? '; upload credentials renewed first' : '';
      return this.result(id, true, `Uploaded ${meter.bytes} bytes to ${c.upload_url} in ${parts}${reused}; md5 ${meter.md5} matches the record${renewed}`, meter, []);
    } catch (err) {
      discard(source.stream);
      this.observe?.({ source: 'ENCODE', bytes: meter.bytes, success: false });
      if (err instanceof UploadRefused) {
        // These bytes can never complete this upload: its parts are not kept for a resume.
        await this.s3.forget(credentials, memory).catch(() => undefined);
        return this.result(id, false, `Upload refused, nothing stored: ${err.message}`, meter, [entityError('INVALID_VALUE', err.message, err.keys)]);
      }
      if (err instanceof ResumedUploadGone) {
        if (reopen) return this.send(id, target, await reopen(), null, options);
        const message = `${err.message}; it is forgotten now: send the file again to upload it from its first byte`;
        return this.result(id, false, `Upload to ${c.upload_url} failed, nothing completed: ${message}`, meter, [entityError('UPLOAD_FAILED', message, ['file'])]);
      }
      if (err instanceof S3UploadError) {
        const kept = (await memory.load().catch(() => null))?.parts?.length;
        const resume = kept ? `; the ${kept} part(s) S3 answered are remembered, so the next try of this file sends only the rest` : '';
        return this.result(id, false, `Upload to ${c.upload_url} failed, nothing completed: ${err.message}${resume}`, meter, [entityError('UPLOAD_FAILED', err.message, ['file'])]);
      }
      throw err;
    }
  }

  /** The record, its md5/size and fresh credentials; or the refusal that ends the upload before it starts. */
  private async target(id: string): Promise<Target | UploadResultModel> {
    const found = await this.api.getUploadTarget(id);
    const record = found?.record;
    const refuse = (type: EntityErrorCode, message: string, keys: string[]) => this.result(id, false, message, null, [entityError(type, message, keys)]);
    if (!record) return refuse('NOT_FOUND', `ENCODE record '${id}' not found`, ['id']);
    if (!record['@type']?.includes('File')) return refuse('INVALID_VALUE', `ENCODE record '${id}' is a ${record['@type']?.[0] ?? 'record'}, not a file`, ['id']);
    const md5 = record.md5sum;
    if (typeof md5 !== 'string' || !MD5.test(md5)) {
      return refuse('MISSING_PROPERTY', `File ${id} has no md5sum to check the bytes against: PATCH its md5sum (and file_size) first`, ['md5sum']);
    }
    const size = typeof record.file_size === 'number' ? record.file_size : null;
    if (size !== null && size > this.limits.maxDataFileBytes) {
      return refuse('INVALID_VALUE', `File ${id} has ${size} bytes, more than the ${this.limits.maxDataFileBytes}-byte limit for data files (MAX_DATA_FILE_BYTES)`, ['file_size']);
    }

    let credentials = found.credentials ?? undefined;
    let renewed = false;
    if (!fresh(credentials)) {
      const renewal = await this.api.renewUpload(record.uuid);
      const { outcome } = renewal;
      if (!outcome.record) {
        const why = outcome.error?.detail ?? outcome.error?.description ?? `HTTP ${outcome.status}`;
        return refuse('INVALID_PERMISSIONS', `The ENCODE portal issues no upload credentials for file ${id} (status ${String(record.status)}): ${why}`, ['status']);
      }
      credentials = renewal.credentials ?? undefined;
      renewed = true;
      if (!fresh(credentials)) return refuse('UPLOAD_FAILED', `The ENCODE portal renewed the upload credentials of file ${id} but they are missing or already expired`, ['upload_credentials']);
    }
    const location = parseS3Url(credentials!.upload_url);
    if (!location) return refuse('UPLOAD_FAILED', `File ${id} has an upload_url that is not s3://bucket/key: ${credentials!.upload_url}`, ['upload_credentials']);
    return { record, md5: md5.toLowerCase(), size, credentials: credentials!, location, renewed };
  }

  private result(id: string, success: boolean, message: string, meter: UploadMeter | null, errors: EntityErrorModel[]): UploadResultModel {
    return { source: 'ENCODE', id, success, message, bytes: meter ? meter.bytes : null, md5sum: meter?.md5 ?? null, errors };
  }
}

/** Present, complete, and valid for at least RENEW_WITHIN_MS more. */
export function fresh(credentials: Partial<EncodeUploadCredentials> | undefined, now = Date.now()): credentials is EncodeUploadCredentials {
  if (!credentials?.access_key || !credentials.secret_key || !credentials.upload_url) return false;
  const expires = Date.parse(String(credentials.expiration ?? ''));
  return Number.isFinite(expires) && expires - now > RENEW_WITHIN_MS;
}
