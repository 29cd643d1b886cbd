import { Agent, errors as undiciErrors, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { upstreamUnavailable } from './upstream-error';

export type UpstreamName = 'ENCODE' | 'GDC';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the upstream base URL, already encoded where needed. */
  path: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A request whose body and answer are streams: large documents and data files, never buffered whole. */
export interface UpstreamStreamRequest extends Omit<UpstreamRequest, 'body'> {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: Readable | Buffer | string;
}

export interface UpstreamStreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The answer's bytes; the caller must read or destroy it. */
  body: Readable;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else undefined (see `text`). */
  json: unknown;
  text: string;
}

export interface HttpOptions {
  timeoutMs: number;
  /** Extra attempts for idempotent requests after a network error or a 502/503/504. */
  retries?: number;
  logger?: Logger;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * One upstream's connection pool and base URL, shared by every request of the process.
 * It knows nothing about callers: credentials arrive as headers on each call, from the
 * per-request clients built in the context.
 */
export class UpstreamHttp {
  readonly baseUrl: URL;
  private readonly dispatcher: Dispatcher;
  private readonly retries: number;

  constructor(
    readonly name: UpstreamName,
    baseUrl: string,
    private readonly options: HttpOptions,
  ) {
    this.baseUrl = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    this.retries = options.retries ?? 2;
    this.dispatcher = new Agent({
      connections: 32,
      keepAliveTimeout: 4_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  url(path: string, query: [string, string][] = []): URL {
    // Set the path rather than resolve it: an alias path (`lab:x/`) would parse as a URL scheme.
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.baseUrl.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    for (const [k, v] of query) url.searchParams.append(k, v);
    return url;
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const idempotent = req.method === 'GET';
    let url = this.url(req.path, req.query);
    for (let attempt = 0, hops = 0; ; ) {
      const started = Date.now();
      let res: UpstreamResponse;
      try {
        res = await this.send(url, req);
      } catch (err) {
        if (idempotent && attempt < this.retries && isRetryableError(err)) {
          await backoff(attempt++);
          continue;
        }
        throw upstreamUnavailable(this.name, url, err as Error);
      }
      this.options.logger?.debug(
        { upstream: this.name, method: req.method, path: url.pathname, status: res.status, ms: Date.now() - started },
        'upstream request',
      );
      if (idempotent && RETRYABLE_STATUS.has(res.status) && attempt < this.retries) {
        await backoff(attempt++);
        continue;
      }
      // The ENCODE portal redirects non-canonical paths to the record's @id; follow only on the
      // same origin so credentials never travel to another host.
      const location = res.headers.location;
      if (idempotent && REDIRECT_STATUS.has(res.status) && typeof location === 'string' && hops < MAX_REDIRECTS) {
        const next = new URL(location, url);
        if (next.origin === this.baseUrl.origin) {
          url = next;
          hops++;
          continue;
        }
      }
      return res;
    }
  }

  /**
   * One streamed write, sent once (a body stream cannot be replayed, and a write is not idempotent).
   * The timeouts are idle timeouts: a 200 MB document may take longer than UPSTREAM_TIMEOUT_MS in
   * total, but never that long without a byte moving. Network errors are thrown as they come
   * (undici's), so the caller can tell a refused connection (nothing sent) from a lost answer.
   */
  async stream(req: UpstreamStreamRequest): Promise<UpstreamStreamResponse> {
    const url = this.url(req.path, req.query);
    const started = Date.now();
    const res = await undiciRequest(url, { method: req.method, headers: req.headers, body: req.body, dispatcher: this.dispatcher });
    this.options.logger?.debug(
      { upstream: this.name, method: req.method, path: url.pathname, status: res.statusCode, ms: Date.now() - started },
      'upstream stream',
    );
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  private async send(url: URL, req: UpstreamRequest): Promise<UpstreamResponse> {
    const res = await undiciRequest(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: this.dispatcher,
    });
    const text = await res.body.text();
    const type = String(res.headers['content-type'] ?? '');
    let json: unknown;
    if (text && (type.includes('json') || /^\s*[[{]/.test(text))) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.statusCode, headers: res.headers, json, text };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

function isRetryableError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return (
    err instanceof undiciErrors.SocketError ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'].includes(code)
  );
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
}
