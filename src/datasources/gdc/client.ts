import type { UpstreamHttp, UpstreamResponse } from '../http';
import { checkGdcId, checkGdcNodeType, checkGdcProject, headerSafe } from '../grammar';
import { missingCredential, upstreamError } from '../upstream-error';
import type {
  GdcDocumentFormat,
  GdcEntitiesResponse,
  GdcEntity,
  GdcProjectRef,
  GdcSubmissionResponse,
} from './models';

const CONTENT_TYPE: Record<GdcDocumentFormat, string> = {
  json: 'application/json',
  tsv: 'text/tab-separated-values',
  csv: 'text/csv',
};

export interface GdcSubmitOptions {
  /** POST creates only; PUT creates or replaces (the document must be complete); PATCH changes given properties of existing entities ([GDC]). */
  method: 'POST' | 'PUT' | 'PATCH';
  dryRun: boolean;
  format: GdcDocumentFormat;
  /** Stored by GDC as the document name in the transaction log. */
  documentName?: string;
}

/** What the gateway needs from the GDC submission API. */
export interface GdcApi {
  /** POST, PUT or PATCH one document as one transaction; a rejected transaction is a result, not an exception. */
  submit(project: GdcProjectRef, document: string, options: GdcSubmitOptions): Promise<{ status: number; envelope: GdcSubmissionResponse }>;
  /** Entities by id; ids the upstream does not know come back as null. */
  getEntities(project: GdcProjectRef, ids: readonly string[]): Promise<(GdcEntity | null)[]>;
  /** One node schema, or `_all`. */
  getDictionary(type: string): Promise<unknown | null>;
}

/** PROGRAM-PROJECT, checked against its grammar (see ../grammar.ts) before any URL is built. */
export function parseProject(project: string): GdcProjectRef {
  return checkGdcProject(project);
}

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** One caller's view of the GDC API: the shared connection pool plus this caller's token. */
export class GdcClient implements GdcApi {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly token: string | null,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    if (!this.token) throw missingCredential('GDC', 'send an X-Auth-Token header or set GDC_TOKEN / GDC_TOKEN_FILE');
    return { accept: 'application/json', 'x-auth-token': this.token, ...extra };
  }

  private projectPath(p: GdcProjectRef): string {
    return `/v0/submission/${encodeURIComponent(p.program)}/${encodeURIComponent(p.project)}`;
  }

  async submit(project: GdcProjectRef, document: string, options: GdcSubmitOptions) {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[options.format] };
    if (options.documentName) headers['x-document-name'] = headerSafe(options.documentName);
    const res = await this.http.request({
      method: options.method,
      path: `${this.projectPath(project)}${options.dryRun ? '/_dry_run' : ''}`,
      headers: this.headers(headers),
      body: document,
    });
    const envelope = res.json as GdcSubmissionResponse | undefined;
    // 400 with an envelope is a rejected transaction (per-entity errors); anything else is an upstream failure.
    if (envelope && typeof envelope === 'object' && Array.isArray(envelope.entities) && res.status < 500) {
      return { status: res.status, envelope };
    }
    throw upstreamError('GDC', res.status, res.json, res.text, `${options.method} ${project.program}-${project.project}`);
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
    const res = await this.http.request({
      method: 'GET',
      path: `/v0/submission/_dictionary/${encodeURIComponent(checkGdcNodeType(type))}`,
      headers: { accept: 'application/json' },
    });
    if (res.status === 404) return null;
    return this.expectJson<unknown>(res, `GET dictionary ${type}`);
  }

  private expectJson<T>(res: UpstreamResponse, action: string): T {
    if (res.status >= 200 && res.status < 300 && res.json !== undefined) return res.json as T;
    throw upstreamError('GDC', res.status, res.json, res.text, action);
  }
}

/** The ids named in a "Not found" answer (400 or 404), or null when the answer is something else. */
function notFoundIds(res: UpstreamResponse): Set<string> | null {
  if (res.status !== 400 && res.status !== 404) return null;
  const message = (res.json as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string' || !/not found/i.test(message)) return null;
  const ids = message.match(UUID_IN_TEXT);
  return ids ? new Set(ids.map((id) => id.toLowerCase())) : null;
}
