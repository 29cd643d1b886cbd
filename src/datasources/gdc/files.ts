import type { Readable } from 'node:stream';
import type { UpstreamHttp, UpstreamResponse } from '../http';
import { parseJson, readText } from './answer';
import { checkGdcId } from '../grammar';
import { upstreamError, upstreamMessage } from '../upstream-error';
import type { GdcProjectRef } from './models';

/** One part of a multipart upload, as ListParts gives it. */
export interface GdcPart {
  partNumber: number;
  /** S3's ETag (quotes kept): the md5 of the part's bytes, in hex. */
  etag: string;
  size: number;
}

/** A files-endpoint answer that is not the expected one: GDC's `{message}` or S3's `<Error>`. */
export class GdcFileRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The submission API's files endpoint, `/{PROGRAM}/{PROJECT}/files/{uuid}`, spoken as gdc-client
 * speaks it: an S3-compatible proxy (single PUT, or initiate / parts / list / complete / abort).
 * S3's answers are XML; GDC's own refusals (file_state, permissions) are JSON.
 */
export class GdcFilesClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly headers: (extra?: Record<string, string>) => Record<string, string>,
  ) {}

  private path(project: GdcProjectRef, id: string): string {
    checkGdcId(id, 'id');
    // gdc-client upper-cases program and project in this URL.
    return `/v0/submission/${encodeURIComponent(project.program.toUpperCase())}/${encodeURIComponent(project.project.toUpperCase())}/files/${encodeURIComponent(id)}`;
  }

  private async call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', project: GdcProjectRef, id: string, query: [string, string][], body?: Buffer | string, extraPath = ''): Promise<UpstreamResponse> {
    const res = await this.http.request({
      method,
      path: `${this.path(project, id)}${extraPath}`,
      query,
      headers: this.headers(body === undefined ? { accept: '*/*' } : { accept: '*/*', 'content-type': 'application/octet-stream' }),
      body,
    });
    this.refuseAuth(res, method, id);
    return res;
  }

  /** GDC's auth refusals are GraphQL errors, as for every other call. */
  private refuseAuth(res: UpstreamResponse, method: string, id: string): void {
    if (res.status === 401 || res.status === 403) throw upstreamError('GDC', res.status, res.json, res.text, `${method} files/${id}`);
  }

  private refuse(res: UpstreamResponse): GdcFileRefusal {
    const s3 = /<Message>([^<]*)<\/Message>/.exec(res.text)?.[1];
    const code = /<Code>([^<]*)<\/Code>/.exec(res.text)?.[1];
    return new GdcFileRefusal(res.status, s3 ? `${code ? `${code}: ` : ''}${unescapeXml(s3)}` : upstreamMessage(res.json, res.text) || `HTTP ${res.status}`);
  }

  /** `PUT …/_dry_run`: would GDC take the upload (file_state, permissions)? */
  async dryRun(project: GdcProjectRef, id: string): Promise<void> {
    const res = await this.call('PUT', project, id, [], '', '/_dry_run');
    if (res.status !== 200) throw this.refuse(res);
  }

  /** One PUT of the whole file; the ETag is the md5 of its bytes. */
  async put(project: GdcProjectRef, id: string, bytes: Buffer): Promise<string | null> {
    const res = await this.call('PUT', project, id, [], bytes);
    if (res.status !== 200) throw this.refuse(res);
    return headerOf(res, 'etag');
  }

  /**
   * One PUT of the whole file streamed from `body`, `length` bytes (its Content-Length), as
   * gdc-client sends a file below its part size. Sent once: a stream cannot be replayed. A body
   * that fails stops the request before its last bytes, so GDC stores nothing.
   */
  async putStream(project: GdcProjectRef, id: string, body: Readable, length: number): Promise<string | null> {
    const res = await this.http.stream({
      method: 'PUT',
      path: this.path(project, id),
      headers: this.headers({ accept: '*/*', 'content-type': 'application/octet-stream', 'content-length': String(length) }),
      body,
    });
    const text = await readText(res.body);
    const answer: UpstreamResponse = { status: res.status, headers: res.headers, json: parseJson(text), text };
    this.refuseAuth(answer, 'PUT', id);
    if (res.status !== 200) throw this.refuse(answer);
    return headerOf(answer, 'etag');
  }

  async initiate(project: GdcProjectRef, id: string): Promise<string> {
    const res = await this.call('POST', project, id, [['uploads', '']]);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(res.text)?.[1];
    if (res.status !== 200 || !uploadId) throw this.refuse(res);
    return unescapeXml(uploadId);
  }

  async uploadPart(project: GdcProjectRef, id: string, uploadId: string, partNumber: number, bytes: Buffer): Promise<string> {
    const res = await this.call('PUT', project, id, [
      ['partNumber', String(partNumber)],
      ['uploadId', uploadId],
    ], bytes);
    const etag = headerOf(res, 'etag');
    if (res.status !== 200 || !etag) throw this.refuse(res);
    return etag;
  }

  /** Every part uploaded so far, following S3's pages. */
  async listParts(project: GdcProjectRef, id: string, uploadId: string): Promise<GdcPart[]> {
    const parts: GdcPart[] = [];
    for (let marker = 0, page = 0; page < 100; page++) {
      const res = await this.call('GET', project, id, [
        ['uploadId', uploadId],
        ['part-number-marker', String(marker)],
      ]);
      if (res.status !== 200) throw this.refuse(res);
      for (const [, xml] of res.text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
        const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';
        parts.push({ partNumber: Number(field('PartNumber')), etag: unescapeXml(field('ETag')), size: Number(field('Size')) });
      }
      if (!/<IsTruncated>true<\/IsTruncated>/.test(res.text)) break;
      marker = Number(/<NextPartNumberMarker>(\d+)<\/NextPartNumberMarker>/.exec(res.text)?.[1] ?? parts[parts.length - 1]?.partNumber ?? 0);
    }
    return parts;
  }

  async complete(project: GdcProjectRef, id: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    const body = `<CompleteMultipartUpload>${parts
      .map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`)
      .join('')}</CompleteMultipartUpload>`;
    const res = await this.call('POST', project, id, [['uploadId', uploadId]], body);
    if (res.status !== 200 || /<Error>/.test(res.text)) throw this.refuse(res);
  }

  /** Abort treats 204 and 404 (already gone) as done, as gdc-client does. */
  async abort(project: GdcProjectRef, id: string, uploadId: string): Promise<void> {
    const res = await this.call('DELETE', project, id, [['uploadId', uploadId]]);
    if (res.status !== 204 && res.status !== 404 && res.status !== 200) throw this.refuse(res);
  }

  /** Removes the uploaded bytes; file_state goes back to registered. */
  async delete(project: GdcProjectRef, id: string): Promise<void> {
    const res = await this.call('DELETE', project, id, []);
    if (res.status !== 204 && res.status !== 200) throw this.refuse(res);
  }
}

function headerOf(res: UpstreamResponse, name: string): string | null {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function unescapeXml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
