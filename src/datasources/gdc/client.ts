import type { Readable } from 'node:stream';
import { GraphQLError } from 'graphql';
import type { UpstreamHttp, UpstreamResponse, UpstreamStreamRequest } from '../http';
import { LostResponse, networkReason, neverSent } from '../lost-response';
import { unreachableNodeType, nodeTypesOf } from '../../rules/gdc/reach';
import { unknownName } from '../../services/not-found';
import { checkGdcId, checkGdcNodeType, checkGdcProject, headerSafe, refuse } from '../grammar';
import { knownNodeTypes, rememberNodeTypes } from './node-types';
import { missingCredential, upstreamError, upstreamMessage, upstreamUnavailable } from '../upstream-error';
import { type OnEntity, parseJson, readAnswer, readText } from './answer';
import { GdcFilesClient } from './files';
import type { GdcAnswer, GdcDocumentFormat, GdcEntitiesResponse, GdcEntity, GdcProjectRef } from './models';

export const CONTENT_TYPE: Record<GdcDocumentFormat, string> = {
  json: 'application/json',
  tsv: 'text/tab-separated-values',
  csv: 'text/csv',
};

/** A document as sent: bytes in memory, or a stream (a spooled upload) read once. */
export type GdcBody = string | Buffer | Readable;

export interface GdcSubmitOptions {
  /** POST creates only; PUT creates or replaces (the document must be complete); PATCH changes given properties of existing entities ([GDC]). */
  method: 'POST' | 'PUT' | 'PATCH';
  dryRun: boolean;
  format: GdcDocumentFormat;
  /** Stored by GDC as the document name in the transaction log. */
  documentName?: string;
  /** `?async=true`: GDC answers at once with the transaction id and runs it in the background. */
  async?: boolean;
}

/** What the gateway needs from the GDC submission API's project endpoints. */
export interface GdcApi {
  /**
   * POST, PUT or PATCH one document as one transaction. A rejected transaction or a refused
   * document is an answer, not an exception; a lost answer throws LostResponse.
   */
  submit(project: GdcProjectRef, document: GdcBody, options: GdcSubmitOptions, onEntity?: OnEntity): Promise<GdcAnswer>;
  /** Entities by id; ids the upstream does not know come back as null. */
  getEntities(project: GdcProjectRef, ids: readonly string[]): Promise<(GdcEntity | null)[]>;
  /** One node schema, or `_all`. */
  getDictionary(type: string): Promise<unknown | null>;
  /** The dictionary's node types (`/_dictionary` lists them), for suggestions when one is unknown. */
  dictionaryTypes(): Promise<string[]>;
  /** Every project's PROGRAM-PROJECT id the submission GraphQL knows (project is a node type like any other). */
  projectIds(): Promise<string[]>;
  /** Re-runs a dry run as a new transaction. */
  commit(project: GdcProjectRef, transactionId: number, async?: boolean): Promise<GdcAnswer>;
  close(project: GdcProjectRef, transactionId: number): Promise<GdcAnswer>;
  /** One step of the project release workflow (`/open`, `/review`, `/submit`, `/release`, or its `_dry_run`). */
  transition(project: GdcProjectRef, step: GdcProjectStep, dryRun: boolean, async?: boolean): Promise<GdcAnswer>;
  /** One deletion transaction (never cascades). */
  deleteEntities(project: GdcProjectRef, ids: readonly string[], dryRun: boolean): Promise<GdcAnswer>;
  /** A submission template; null for a type the dictionary does not have. */
  getTemplate(type: string, format: GdcDocumentFormat): Promise<{ fileName: string; content: string } | null>;
  /** A query to the submission GraphQL (peregrine); its errors are strings, as GDC sends them. */
  graphql(query: string, variables?: unknown): Promise<GdcGraphqlAnswer>;
  /** `/export`: one file for one type, else a .tar.gz (TSV/CSV) or one JSON object keyed by type. */
  exportEntities(project: GdcProjectRef, ids: readonly string[], format: GdcDocumentFormat, withChildren: boolean): Promise<GdcDownload>;
  /** `/manifest`: the gdc-client upload manifest (YAML) of data file entities. */
  manifest(project: GdcProjectRef, ids: readonly string[]): Promise<GdcDownload>;
  /** `PUT /xml/{biospecimen|clinical}/bcr[/_dry_run]`: BCR XML converted by GDC into entities. */
  submitBcrXml(project: GdcProjectRef, kind: 'biospecimen' | 'clinical', xml: GdcBody, dryRun: boolean): Promise<GdcAnswer>;
  /** The files endpoint (data file bytes: single PUT or S3 multipart). */
  readonly files: GdcFilesClient;
}

/** The project release workflow's steps, each its own endpoint under the project. */
export type GdcProjectStep = 'open' | 'review' | 'submit' | 'release';

/** A file the API sends as a download, bytes as they came (an archive must not be decoded as text). */
export interface GdcDownload {
  fileName: string | null;
  contentType: string;
  body: Buffer;
}

export interface GdcGraphqlAnswer {
  status: number;
  data: unknown;
  errors: string[];
  /** The upstream's clock when it answered (its Date header), ms since the epoch; null without one. */
  date: number | null;
}

/** PROGRAM-PROJECT, checked against its grammar (see ../grammar.ts) before any URL is built. */
/** PROGRAM-PROJECT, checked against its grammar (see ../grammar.ts) before any URL is built. */
export function parseProject(project: string): GdcProjectRef {
  return checkGdcProject(project);
}

export const projectId = (p: GdcProjectRef) => `${p.program}-${p.project}`;

/** 100 uuids make a URL of about 3.7 KB, under the 4-8 KB that proxies commonly allow. */
const IDS_IN_URL = 100;

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** One caller's view of the GDC API: the shared connection pool plus this caller's token. */
export class GdcClient implements GdcApi {
  readonly files: GdcFilesClient;

  constructor(
    protected readonly http: UpstreamHttp,
    protected readonly token: string | null,
  ) {
    this.files = new GdcFilesClient(http, (extra) => this.headers(extra));
  }

  protected headers(extra: Record<string, string> = {}): Record<string, string> {
    if (!this.token) throw missingCredential('GDC', 'send an X-Auth-Token header or set GDC_TOKEN / GDC_TOKEN_FILE');
    return { accept: 'application/json', 'x-auth-token': this.token, ...extra };
  }

  protected projectPath(p: GdcProjectRef): string {
    return `/v0/submission/${encodeURIComponent(p.program)}/${encodeURIComponent(p.project)}`;
  }

  async submit(project: GdcProjectRef, document: GdcBody, options: GdcSubmitOptions, onEntity?: OnEntity): Promise<GdcAnswer> {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[options.format] };
    if (options.documentName) headers['x-document-name'] = headerSafe(options.documentName);
    return this.write(
      {
        method: options.method,
        path: `${this.projectPath(project)}${options.dryRun ? '/_dry_run' : ''}`,
        query: options.async ? [['async', 'true']] : [],
        headers,
        body: document,
      },
      `${options.method} ${projectId(project)}${options.dryRun ? '/_dry_run' : ''}`,
      onEntity,
    );
  }

  commit(project: GdcProjectRef, transactionId: number, async = false): Promise<GdcAnswer> {
    const path = `${this.projectPath(project)}/transactions/${transactionId}/commit`;
    return this.write({ method: 'POST', path, query: async ? [['async', 'true']] : [], body: '' }, `commit of transaction ${transactionId}`);
  }

  close(project: GdcProjectRef, transactionId: number): Promise<GdcAnswer> {
    const path = `${this.projectPath(project)}/transactions/${transactionId}/close`;
    return this.write({ method: 'POST', path, body: '' }, `close of transaction ${transactionId}`);
  }

  transition(project: GdcProjectRef, step: GdcProjectStep, dryRun: boolean, async = false): Promise<GdcAnswer> {
    const path = `${this.projectPath(project)}/${step}${dryRun ? '/_dry_run' : ''}`;
    return this.write({ method: 'PUT', path, query: async ? [['async', 'true']] : [], body: '' }, `${step} of ${projectId(project)}${dryRun ? ' (dry run)' : ''}`);
  }

  deleteEntities(project: GdcProjectRef, ids: readonly string[], dryRun: boolean): Promise<GdcAnswer> {
    const list = ids.map((id) => encodeURIComponent(checkGdcId(id))).join(',');
    const path = `${this.projectPath(project)}/entities/${dryRun ? '_dry_run/' : ''}${list}`;
    return this.write({ method: 'DELETE', path }, `DELETE ${projectId(project)} entities`);
  }

  submitBcrXml(project: GdcProjectRef, kind: 'biospecimen' | 'clinical', xml: GdcBody, dryRun: boolean): Promise<GdcAnswer> {
    const path = `${this.projectPath(project)}/xml/${kind}/bcr${dryRun ? '/_dry_run' : ''}`;
    return this.write({ method: 'PUT', path, headers: { 'content-type': 'application/xml' }, body: xml }, `PUT ${projectId(project)} ${kind} BCR XML`);
  }

  exportEntities(project: GdcProjectRef, ids: readonly string[], format: GdcDocumentFormat, withChildren: boolean): Promise<GdcDownload> {
    ids.forEach((id) => checkGdcId(id));
    const path = `${this.projectPath(project)}/export`;
    const action = `export from ${projectId(project)}`;
    // Many ids would make the URL too long for the servers in front of GDC: the same request as a POST body.
    if (ids.length > IDS_IN_URL) {
      const body = JSON.stringify({ ids, format, ...(withChildren ? { with_children: 'with_children' } : {}) });
      return this.download(path, [], action, body);
    }
    const query: [string, string][] = [
      ['ids', ids.join(',')],
      ['format', format],
    ];
    // GDC reads any non-empty with_children as true; the guide sends `with_children=with_children`.
    if (withChildren) query.push(['with_children', 'with_children']);
    return this.download(path, query, action);
  }

  manifest(project: GdcProjectRef, ids: readonly string[]): Promise<GdcDownload> {
    ids.forEach((id) => checkGdcId(id));
    return this.download(`${this.projectPath(project)}/manifest`, [['ids', ids.join(',')]], `manifest of ${projectId(project)}`);
  }

  /** A GET whose answer is a file: read as bytes; a refusal is the upstream's error, with its message. */
  protected async download(path: string, query: [string, string][], action: string, jsonBody?: string): Promise<GdcDownload> {
    const headers = this.headers(jsonBody ? { accept: '*/*', 'content-type': 'application/json' } : { accept: '*/*' });
    let res: Awaited<ReturnType<UpstreamHttp['stream']>>;
    const parts: Buffer[] = [];
    try {
      res = await this.http.stream({ method: jsonBody ? 'POST' : 'GET', path, query, headers, body: jsonBody });
      for await (const chunk of res.body) parts.push(chunk as Buffer);
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      throw upstreamUnavailable('GDC', this.http.baseUrl, unavailableReason(err), { attempts: 1, timeoutMs: 0 });
    }
    const body = Buffer.concat(parts);
    if (res.status !== 200) {
      const text = body.toString('utf8');
      throw upstreamError('GDC', res.status, parseJson(text), text, action);
    }
    return { fileName: attachmentName(res), contentType: String(res.headers['content-type'] ?? ''), body };
  }

  /**
   * Sends one write and reads its answer as it streams. Auth failures are GraphQL errors; a
   * connection that was refused means nothing was sent; anything lost after sending is LostResponse.
   */
  protected async write(req: Omit<UpstreamStreamRequest, 'headers'> & { headers?: Record<string, string> }, action: string, onEntity?: OnEntity): Promise<GdcAnswer> {
    const headers = this.headers(req.headers);
    const sentAt = Date.now();
    let status: number | null = null;
    try {
      const res = await this.http.stream({ ...req, headers });
      status = res.status;
      if (res.status === 401 || res.status === 403 || res.status >= 500) {
        const text = await readText(res.body);
        const json = parseJson(text);
        if (res.status < 500) throw upstreamError('GDC', res.status, json, text, action);
        throw new LostResponse('GDC', action, `HTTP ${res.status}: ${upstreamMessage(json, text)}`, sentAt, res.status);
      }
      try {
        return await readAnswer(res.status, res.body, onEntity);
      } catch (err) {
        if (err instanceof SyntaxError) throw upstreamError('GDC', res.status, undefined, err.message, action);
        throw err;
      }
    } catch (err) {
      if (err instanceof GraphQLError || err instanceof LostResponse) throw err;
      if (status === null && neverSent(err)) throw upstreamUnavailable('GDC', this.http.baseUrl, 'refused', { attempts: 1, timeoutMs: 0 });
      throw new LostResponse('GDC', action, networkReason(err), sentAt, status);
    }
  }

  async getEntities(project: GdcProjectRef, ids: readonly string[]): Promise<(GdcEntity | null)[]> {
    let wanted = [...new Set(ids.map((id) => checkGdcId(id)))];
    const byId = new Map<string, GdcEntity>();
    // GDC refuses the whole request when one id is unknown ("Not found: …"); drop those ids and ask once more.
    for (let attempt = 0; attempt < 2 && wanted.length; attempt++) {
      const res = await this.http.request({
        method: 'GET',
        path: `${this.projectPath(project)}/entities/${wanted.map(encodeURIComponent).join(',')}`,
        headers: this.headers(),
      });
      if (res.status === 200) {
        for (const e of this.expectJson<GdcEntitiesResponse>(res, 'GET entities').entities) byId.set(e.properties.id, e);
        break;
      }
      const missing = notFoundIds(res);
      if (!missing) throw upstreamError('GDC', res.status, res.json, res.text, 'GET entities');
      wanted = wanted.filter((id) => !missing.has(id.toLowerCase()));
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  async getDictionary(type: string): Promise<unknown | null> {
    const checked = await this.checkNodeType(type, 'type', true);
    const res = await this.http.request({
      method: 'GET',
      path: `/v0/submission/_dictionary/${encodeURIComponent(checked)}`,
      headers: { accept: 'application/json' },
    });
    if (res.status === 404) return null;
    const answer = this.expectJson<unknown>(res, `GET dictionary ${type}`);
    if (type === '_all') rememberNodeTypes(this.http, nodeTypesOf(answer));
    return answer;
  }

  async dictionaryTypes(): Promise<string[]> {
    const res = await this.http.request({ method: 'GET', path: '/v0/submission/_dictionary', headers: { accept: 'application/json' } });
    const { links } = this.expectJson<{ links?: unknown }>(res, 'GET dictionary');
    return (Array.isArray(links) ? links : []).map((link) => String(link).split('/').pop()!).filter((t) => t && !t.startsWith('_'));
  }

  async projectIds(): Promise<string[]> {
    // first: 0 is peregrine's "no limit".
    const answer = await this.graphql('{ project(first: 0) { project_id } }');
    if (answer.errors.length) throw upstreamError('GDC', answer.status, answer.errors, answer.errors.join('; '), 'POST graphql (projects)');
    const projects = (answer.data as { project?: { project_id?: unknown }[] } | null)?.project ?? [];
    return projects.map((p) => p.project_id).filter((id): id is string => typeof id === 'string');
  }

  async getTemplate(type: string, format: GdcDocumentFormat): Promise<{ fileName: string; content: string } | null> {
    const res = await this.http.request({
      method: 'GET',
      path: `/v0/submission/template/${encodeURIComponent(await this.checkNodeType(type, 'types'))}`,
      query: [['format', format]],
      headers: { accept: '*/*' },
    });
    if (res.status === 404) return null;
    if (res.status !== 200) throw upstreamError('GDC', res.status, res.json, res.text, `GET template ${type}`);
    return { fileName: attachmentName(res) ?? `submission_${type}_template.${format}`, content: res.text };
  }

  /**
   * A type that goes into a path: in the grammar and one of the dictionary's node types
   * (rules/gdc/reach.ts), else BAD_USER_INPUT before any URL is built from it. The node types are
   * those of the last dictionary this process read; read once here if none was yet.
   */
  private async checkNodeType(type: string, argument: string, allowAll = false): Promise<string> {
    checkGdcNodeType(type, argument);
    if (type === '_all' && allowAll) return type;
    let types = knownNodeTypes(this.http);
    if (!types) {
      await this.getDictionary('_all');
      types = knownNodeTypes(this.http) ?? new Set<string>();
    }
    const why = unreachableNodeType(type, types, { allowAll });
    // A name that could be a node type but is not one: NOT_FOUND with the dictionary's closest names (issue 14).
    if (why && !type.startsWith('_')) throw unknownName('GDC node type', type, types, argument);
    if (why) throw refuse(argument, type, why);
    return type;
  }

  async graphql(query: string, variables?: unknown): Promise<GdcGraphqlAnswer> {
    const res = await this.http.request({
      method: 'POST',
      path: '/v0/submission/graphql',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
    const body = res.json as { data?: unknown; errors?: unknown } | undefined;
    // 200 with data, or 400 with data and string errors; anything else (403, 5xx, HTML) is the upstream failing.
    if (!body || typeof body !== 'object' || (res.status !== 200 && res.status !== 400)) {
      throw upstreamError('GDC', res.status, res.json, res.text, 'POST graphql');
    }
    const errors = Array.isArray(body.errors) ? body.errors.map((e) => (typeof e === 'string' ? e : upstreamMessage(e, JSON.stringify(e)))) : [];
    const date = Date.parse(String(res.headers.date ?? ''));
    return { status: res.status, data: body.data ?? null, errors, date: Number.isNaN(date) ? null : date };
  }

  protected expectJson<T>(res: UpstreamResponse, action: string): T {
    if (res.status >= 200 && res.status < 300 && res.json !== undefined) return res.json as T;
    throw upstreamError('GDC', res.status, res.json, res.text, action);
  }
}

function unavailableReason(err: unknown): 'refused' | 'timeout' | 'reset' {
  if (neverSent(err)) return 'refused';
  return /timeout/i.test(String((err as { code?: string }).code ?? (err as Error).message)) ? 'timeout' : 'reset';
}

/** The file name of a download (`content-disposition: attachment; filename=…`). */
export function attachmentName(res: { headers: UpstreamResponse['headers'] }): string | null {
  const header = String(res.headers['content-disposition'] ?? '');
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return match ? decodeURIComponent(match[1]) : null;
}

/** The ids named in a "Not found" answer (400 or 404), or null when the answer is something else. */
function notFoundIds(res: UpstreamResponse): Set<string> | null {
  if (res.status !== 400 && res.status !== 404) return null;
  const message = (res.json as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string' || !/not found/i.test(message)) return null;
  const ids = message.match(UUID_IN_TEXT);
  return ids ? new Set(ids.map((id) => id.toLowerCase())) : null;
}
