import { GraphQLError } from 'graphql';
import { isAccession } from '../../rules/encode/identifiers';
import { collectionName } from '../../rules/encode/naming';
import type { ProfileSet } from '../../rules/encode/profiles';
import { DEFAULT_REACH, type ReachPolicy, reachableRecord, unreachableCollection, unreachableIdentifier, unreachableSearchType } from '../../rules/encode/reach';
import type { UpstreamHttp, UpstreamResponse } from '../http';
import { checkEncodeFilterField, checkEncodeIdentifier, checkEncodeTypeName, refuse } from '../grammar';
import { missingCredential, upstreamError } from '../upstream-error';
import { identifierPath } from './identifiers';
import { profileCacheOf } from './profiles';
import { withoutUploadCredentials } from './secrets';
import type {
  EncodeErrorResponse,
  EncodeFrame,
  EncodeProfile,
  EncodeRecord,
  EncodeSearchPage,
  EncodeSearchResponse,
  EncodeUploadCredentials,
  EncodeWriteOutcome,
  EncodeWriteResponse,
} from './models';

/** The edit frame of a record and its ETag, for a PUT that must not overwrite someone else's change. */
export interface EditableRecord {
  record: Record<string, unknown>;
  etag: string | null;
}

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
  /** Hits to skip (paging). */
  from?: number;
  frame?: EncodeFrame;
}

/** What the gateway needs from the ENCODE portal. The sandbox and the real portal both satisfy it over HTTP. */
export interface EncodeApi {
  /**
   * A record by any identifier, read from the database (the search index lags behind writes); null
   * on 404. `fresh` skips the operation's memo of identical reads (after a write whose answer was lost).
   */
  getRecord(id: string, frame?: EncodeFrame, fresh?: boolean): Promise<EncodeRecord | null>;
  /**
   * The identifier, when it is in the grammar and names only records (see rules/encode/reach.ts);
   * else a BAD_USER_INPUT error naming it and why, before any URL is built from it.
   */
  checkIdentifier(id: string, argument?: string): Promise<string>;
  /** Why an identifier (its grammar aside) names something other than a record; null when it names a record. */
  unreachable(id: string): Promise<string | null>;
  /** Why records of a collection may not be written or read (`access-keys`, `users`); null when they may. */
  unreachableCollection(collection: string): Promise<string | null>;
  /** The edit frame (stored properties, links as @id paths) and its ETag; null on 404. */
  getEditable(id: string): Promise<EditableRecord | null>;
  search(params: EncodeSearchParams): Promise<EncodeSearchPage>;
  /** A profile by item type as this caller is served it (guarded properties `readonly` unless admin); null when none. */
  getProfile(name: string): Promise<EncodeProfile | null>;
  /** Every public profile, fetched once per process and revalidated; `refresh` fetches now. */
  profiles(refresh?: boolean): Promise<ProfileSet>;
  /**
   * POST to a profile's collection. Refusals of this record (400/409/422) and a lost answer (the
   * connection dropped or timed out after sending, or a 5xx) come back as outcomes; failures that
   * would hit every record (credentials, an unreachable portal) are thrown.
   */
  create(profile: string, record: object): Promise<EncodeWriteOutcome>;
  /** PATCH a record; 403/404/412 are outcomes too (they concern this record). */
  patch(id: string, patch: object): Promise<EncodeWriteOutcome>;
  /** PUT a whole record, conditional on `etag` when given (412 when it changed since). */
  put(id: string, record: object, etag?: string | null): Promise<EncodeWriteOutcome>;
}

/** What uploads need from the portal: the file record, and new upload credentials for it. */
export interface EncodeUploadApi {
  /** The file record (without its credentials, as every read) and its `upload_credentials`, read anew. */
  getUploadTarget(id: string): Promise<{ record: EncodeRecord; credentials: EncodeUploadCredentials | null } | null>;
  /** `POST /files/<uuid>/@@upload` (403 while the file is not uploading): the renewed credentials. */
  renewUpload(uuid: string): Promise<{ outcome: EncodeWriteOutcome; credentials: EncodeUploadCredentials | null }>;
}

/** The arrays of a search answer that grow with the hits and the ids asked. */
const SEARCH_ARRAYS = ['@graph', 'filters'];

const CREATE_ERRORS = new Set([400, 409, 422]);
const UPDATE_ERRORS = new Set([400, 403, 404, 409, 412, 422]);


/** One caller's view of the portal: the shared connection pool plus this caller's access key. */
export class EncodeClient implements EncodeApi, EncodeUploadApi {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly credentials: EncodeCredentials | null,
    private readonly reach: ReachPolicy = DEFAULT_REACH,
  ) {}

  /**
   * The profiles that say which collections hold records: cached for the process, fetched once if
   * not yet; null while the portal cannot serve them (the reach rule then refuses only what it
   * knows by name: credentials, users, the portal's machinery).
   */
  private reachProfiles(): Promise<ProfileSet | null> {
    return profileCacheOf(this.http).forReach(this.http);
  }

  async checkIdentifier(id: string, argument = 'id'): Promise<string> {
    checkEncodeIdentifier(id, argument);
    const why = await this.unreachable(id);
    if (why) throw refuse(argument, id, why);
    return id;
  }

  async unreachable(id: string): Promise<string | null> {
    return unreachableIdentifier(id, await this.reachProfiles(), this.reach);
  }

  async unreachableCollection(collection: string): Promise<string | null> {
    return unreachableCollection(collection, await this.reachProfiles(), this.reach);
  }

  /** A record the caller may see: none of a collection outside reach, never upload credentials. */
  private async visible(record: EncodeRecord): Promise<EncodeRecord | null> {
    return reachableRecord(record, await this.reachProfiles(), this.reach) ? withoutUploadCredentials(record) : null;
  }

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

  async getRecord(id: string, frame: EncodeFrame = 'object', fresh = false): Promise<EncodeRecord | null> {
    const record = await this.readRecord(id, frame, fresh);
    return record && this.visible(record);
  }

  async getUploadTarget(id: string): Promise<{ record: EncodeRecord; credentials: EncodeUploadCredentials | null } | null> {
    // Read anew: an operation's memo may hold this record already stripped of its credentials.
    const record = await this.readRecord(id, 'object', true);
    if (!record) return null;
    const credentials = (record.upload_credentials as EncodeUploadCredentials | undefined) ?? null;
    const visible = await this.visible(record);
    return visible && { record: visible, credentials };
  }

  private async readRecord(id: string, frame: EncodeFrame, fresh: boolean): Promise<EncodeRecord | null> {
    const res = await this.http.request({
      fresh,
      method: 'GET',
      path: this.canonicalPath(await this.checkIdentifier(id)),
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

  async getEditable(id: string): Promise<EditableRecord | null> {
    // Always read anew: it is the base of a PUT.
    const res = await this.http.request({
      fresh: true,
      method: 'GET',
      path: identifierPath(await this.checkIdentifier(id)),
      query: [
        ['format', 'json'],
        ['frame', 'edit'],
        ['datastore', 'database'],
      ],
      headers: this.headers(false),
    });
    if (res.status === 404) return null;
    const record = withoutUploadCredentials(this.expectJson<Record<string, unknown>>(res, `GET ${id} (edit frame)`));
    const etag = res.headers.etag;
    return { record, etag: typeof etag === 'string' ? etag : null };
  }

  /**
   * An accession's canonical path when its type code names one collection (`BS` → `/biosamples/`):
   * the portal answers it at once instead of redirecting there. Only from profiles already cached.
   */
  private canonicalPath(id: string): string {
    const code = isAccession(id) ? id.slice(3, 5) : null;
    const profiles = code ? profileCacheOf(this.http).peek() : null;
    if (code && profiles) {
      const types = [...profiles.types.values()].filter((t) => !t.abstract && t.accessionType === code);
      if (types.length === 1) return `/${types[0].collection}/${id}/`;
    }
    return identifierPath(id);
  }

  profiles(refresh = false): Promise<ProfileSet> {
    return profileCacheOf(this.http).get(this.http, refresh);
  }

  async search({ type, filters = [], limit = 25, from = 0, frame = 'object' }: EncodeSearchParams): Promise<EncodeSearchPage> {
    const profiles = await this.reachProfiles();
    const why = unreachableSearchType(checkEncodeTypeName(type, 'type'), profiles, this.reach);
    if (why) throw refuse('type', type, why);
    for (const [field, value] of filters) {
      // A filter on @id names a path like any other identifier (the loaders search by it).
      if (field === '@id') await this.checkIdentifier(value, 'filters.values');
    }
    const paging: [string, string][] = from > 0 ? [['from', String(from)]] : [];
    const res = await this.http.request({
      method: 'GET',
      path: '/search/',
      query: [['type', checkEncodeTypeName(type, 'type')], ...filters.map(([f, v]): [string, string] => [checkEncodeFilterField(f), v]), ['limit', String(limit)], ...paging, ['frame', frame], ['format', 'json']],
      headers: this.headers(false),
      // Hundreds of hits make answers of megabytes, and so do `filters`: one per id asked, each
      // with a `remove` link naming all the others (880 KB for 145 aliases, none found).
      splitJson: SEARCH_ARRAYS,
    });
    // The portal answers an empty search with 404 "No results found" and the usual envelope.
    const body = res.json as EncodeSearchResponse | undefined;
    if (res.status === 404 && body?.notification === 'No results found') return { total: 0, records: [] };
    const page = this.expectJson<EncodeSearchResponse>(res, `search type=${type}`);
    // Hits outside reach (an `Item` search finds users too) are left out, and so not counted.
    const records = page['@graph'].filter((r) => reachableRecord(r, profiles, this.reach)).map(withoutUploadCredentials);
    return { total: page.total - (page['@graph'].length - records.length), records };
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

  async create(profile: string, record: object): Promise<EncodeWriteOutcome> {
    // The collection path answers on every portal; encode_utils' `/<profile>` misses rna_expression.
    const collection = collectionName(checkEncodeTypeName(profile));
    const why = await this.unreachableCollection(collection);
    if (why) throw refuse('profile', profile, why);
    return this.write('POST', `/${encodeURIComponent(collection)}/`, record, `POST to ${profile}`, CREATE_ERRORS);
  }

  async patch(id: string, patch: object): Promise<EncodeWriteOutcome> {
    return this.write('PATCH', identifierPath(await this.checkIdentifier(id)), patch, `PATCH ${id}`, UPDATE_ERRORS);
  }

  async put(id: string, record: object, etag?: string | null): Promise<EncodeWriteOutcome> {
    return this.write('PUT', identifierPath(await this.checkIdentifier(id)), record, `PUT ${id}`, UPDATE_ERRORS, etag ? { 'if-match': etag } : {});
  }

  async renewUpload(uuid: string): Promise<{ outcome: EncodeWriteOutcome; credentials: EncodeUploadCredentials | null }> {
    const path = `/files/${encodeURIComponent(uuid)}/@@upload`;
    const res = await this.http.request({ method: 'POST', path, headers: this.headers(true), body: '{}' });
    if (res.status === 200 || res.status === 201) {
      const record = this.expectJson<EncodeWriteResponse>(res, `POST ${path}`)['@graph'][0];
      const credentials = (record.upload_credentials as EncodeUploadCredentials | undefined) ?? null;
      return { outcome: { status: res.status, record: withoutUploadCredentials(record) }, credentials };
    }
    // The portal's refusals (status not "uploading", no edit permission) belong to this record.
    if ((res.status === 403 || res.status === 404) && res.json && typeof res.json === 'object') return { outcome: { status: res.status, error: res.json as EncodeErrorResponse }, credentials: null };
    throw upstreamError('ENCODE', res.status, res.json, res.text, `POST ${path}`);
  }

  private async write(
    method: 'POST' | 'PATCH' | 'PUT',
    path: string,
    body: object,
    action: string,
    recordErrors: Set<number>,
    extraHeaders: Record<string, string> = {},
  ): Promise<EncodeWriteOutcome> {
    let res: UpstreamResponse;
    try {
      res = await this.http.request({ method, path, headers: { ...this.headers(true), ...extraHeaders }, body: JSON.stringify(body) });
    } catch (err) {
      // `refused`: the request never reached the portal, nothing can have been written.
      if (err instanceof GraphQLError && err.extensions.code === 'UPSTREAM_UNAVAILABLE' && err.extensions.reason !== 'refused') {
        return { status: 0, lost: `${action}: no answer (${String(err.extensions.reason)})` };
      }
      throw err;
    }
    if (res.status === 200 || res.status === 201) {
      const envelope = this.expectJson<EncodeWriteResponse>(res, action);
      return { status: res.status, record: withoutUploadCredentials(envelope['@graph'][0]) };
    }
    if (recordErrors.has(res.status) && res.json && typeof res.json === 'object') {
      return { status: res.status, error: res.json as EncodeErrorResponse };
    }
    // A 5xx may come after the write was committed: the caller must look before it says "failed".
    if (res.status >= 500) return { status: res.status, lost: `${action}: HTTP ${res.status}` };
    throw upstreamError('ENCODE', res.status, res.json, res.text, action);
  }

  private expectJson<T>(res: UpstreamResponse, action: string): T {
    if (res.status >= 200 && res.status < 300 && res.json !== undefined) return res.json as T;
    throw upstreamError('ENCODE', res.status, res.json, res.text, action);
  }
}
