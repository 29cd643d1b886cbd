import type { UpstreamHttp, UpstreamResponse } from '../http';
import { checkEncodeFilterField, checkEncodeIdentifier, checkEncodeTypeName } from '../grammar';
import { missingCredential, upstreamError } from '../upstream-error';
import { identifierPath } from './identifiers';
import type {
  EncodeErrorResponse,
  EncodeFrame,
  EncodeProfile,
  EncodeRecord,
  EncodeSearchPage,
  EncodeSearchResponse,
  EncodeWriteOutcome,
  EncodeWriteResponse,
} from './models';

export interface EncodeCredentials {
  key: string;
  secret: string;
}

export interface EncodeSearchParams {
  type: string;
  /** [field, value] pairs; repeat a field to OR its values, end it with `!` to negate. */
  filters?: [string, string][];
  /** A number, or 'all'. */
  limit?: number | 'all';
  frame?: EncodeFrame;
}

/** What the gateway needs from the ENCODE portal. The sandbox and the real portal both satisfy it over HTTP. */
export interface EncodeApi {
  /** A record by any identifier, read from the database (the search index lags behind writes); null on 404. */
  getRecord(id: string, frame?: EncodeFrame): Promise<EncodeRecord | null>;
  search(params: EncodeSearchParams): Promise<EncodeSearchPage>;
  /** A profile by item type; null when the portal has none. */
  getProfile(name: string): Promise<EncodeProfile | null>;
  /** POST to a profile. Validation failures (400/409/422) come back as outcomes, not exceptions. */
  create(profile: string, record: object): Promise<EncodeWriteOutcome>;
  patch(id: string, patch: object): Promise<EncodeWriteOutcome>;
}

/** What uploads need from the portal: the file record, and new upload credentials for it. */
export interface EncodeUploadApi {
  getRecord(id: string, frame?: EncodeFrame): Promise<EncodeRecord | null>;
  /** `POST /files/<uuid>/@@upload` (403 while the file is not uploading). */
  renewUpload(uuid: string): Promise<EncodeWriteOutcome>;
}

const WRITE_ERRORS = new Set([400, 409, 422]);

/** One caller's view of the portal: the shared connection pool plus this caller's access key. */
export class EncodeClient implements EncodeApi, EncodeUploadApi {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly credentials: EncodeCredentials | null,
  ) {}

  private headers(write: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (write) headers['content-type'] = 'application/json';
    if (this.credentials) {
      const token = Buffer.from(`${this.credentials.key}:${this.credentials.secret}`).toString('base64');
      headers.authorization = `Basic ${token}`;
    } else if (write) {
      throw missingCredential('ENCODE', 'send X-Dcc-Api-Key and X-Dcc-Secret-Key headers or set DCC_API_KEY and DCC_SECRET_KEY');
    }
    return headers;
  }

  async getRecord(id: string, frame: EncodeFrame = 'object'): Promise<EncodeRecord | null> {
    const res = await this.http.request({
      method: 'GET',
      path: identifierPath(checkEncodeIdentifier(id)),
      query: [
        ['format', 'json'],
        ['frame', frame],
        ['datastore', 'database'],
      ],
      headers: this.headers(false),
    });
    if (res.status === 404) return null;
    return this.expectJson<EncodeRecord>(res, `GET ${id}`);
  }

  async search({ type, filters = [], limit = 25, frame = 'object' }: EncodeSearchParams): Promise<EncodeSearchPage> {
    const res = await this.http.request({
      method: 'GET',
      path: '/search/',
      query: [['type', checkEncodeTypeName(type, 'type')], ...filters.map(([f, v]): [string, string] => [checkEncodeFilterField(f), v]), ['limit', String(limit)], ['frame', frame], ['format', 'json']],
      headers: this.headers(false),
    });
    // The portal answers an empty search with 404 "No results found" and the usual envelope.
    const body = res.json as EncodeSearchResponse | undefined;
    if (res.status === 404 && body?.notification === 'No results found') return { total: 0, records: [] };
    const page = this.expectJson<EncodeSearchResponse>(res, `search type=${type}`);
    return { total: page.total, records: page['@graph'] };
  }

  async getProfile(name: string): Promise<EncodeProfile | null> {
    const res = await this.http.request({
      method: 'GET',
      path: `/profiles/${encodeURIComponent(checkEncodeTypeName(name, 'name'))}.json`,
      query: [['format', 'json']],
      headers: this.headers(false),
    });
    if (res.status === 404) return null;
    return this.expectJson<EncodeProfile>(res, `GET profile ${name}`);
  }

  create(profile: string, record: object): Promise<EncodeWriteOutcome> {
    return this.write('POST', `/${encodeURIComponent(checkEncodeTypeName(profile))}`, record, `POST to ${profile}`);
  }

  patch(id: string, patch: object): Promise<EncodeWriteOutcome> {
    return this.write('PATCH', identifierPath(checkEncodeIdentifier(id)), patch, `PATCH ${id}`);
  }

  async renewUpload(uuid: string): Promise<EncodeWriteOutcome> {
    const path = `/files/${encodeURIComponent(uuid)}/@@upload`;
    const res = await this.http.request({ method: 'POST', path, headers: this.headers(true), body: '{}' });
    if (res.status === 200 || res.status === 201) return { status: res.status, record: this.expectJson<EncodeWriteResponse>(res, `POST ${path}`)['@graph'][0] };
    // The portal's refusals (status not "uploading", no edit permission) belong to this record.
    if ((res.status === 403 || res.status === 404) && res.json && typeof res.json === 'object') return { status: res.status, error: res.json as EncodeErrorResponse };
    throw upstreamError('ENCODE', res.status, res.json, res.text, `POST ${path}`);
  }

  private async write(method: 'POST' | 'PATCH', path: string, body: object, action: string): Promise<EncodeWriteOutcome> {
    const res = await this.http.request({ method, path, headers: this.headers(true), body: JSON.stringify(body) });
    if (res.status === 200 || res.status === 201) {
      const envelope = this.expectJson<EncodeWriteResponse>(res, action);
      return { status: res.status, record: envelope['@graph'][0] };
    }
    if (WRITE_ERRORS.has(res.status) && res.json && typeof res.json === 'object') {
      return { status: res.status, error: res.json as EncodeErrorResponse };
    }
    throw upstreamError('ENCODE', res.status, res.json, res.text, action);
  }

  private expectJson<T>(res: UpstreamResponse, action: string): T {
    if (res.status >= 200 && res.status < 300 && res.json !== undefined) return res.json as T;
    throw upstreamError('ENCODE', res.status, res.json, res.text, action);
  }
}
