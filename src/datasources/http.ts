import { Agent, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { recordUpstreamCall } from '../metrics';
import { backoffMs, Deadline, failureReason, isRetryableError, retryAfterMs, type FailureReason } from './deadline';
import { decodeUtf8, JsonPieces } from './json-pieces';
import { routeTemplate } from './route-template';
import { upstreamUnavailable } from './upstream-error';

export type UpstreamName = 'ENCODE' | 'GDC';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the upstream base URL, already encoded where needed. */
  path: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * Skip the per-operation memo of identical GETs (see upstream-calls.ts) and ask the upstream
   * now: for a read that must see the effect of a write, e.g. a check after a lost response.
   */
  fresh?: boolean;
  /** A shorter deadline for this call than UPSTREAM_TIMEOUT_MS (e.g. a readiness probe). */
  timeoutMs?: number;
  /**
   * A JSON answer whose arrays under these keys of the top-level object may be large (an ENCODE
   * search's `@graph` and `filters`): over `HttpOptions.splitJsonOverBytes` it is read as a stream
   * and parsed element by element (see json-pieces.ts), to the same `json` a parse of the whole
   * text gives.
   */
  splitJson?: readonly string[];
}

/**
 * A request whose body and answer are streams: large documents and data files, never buffered
 * whole, and binary answers (archives) that must not be decoded as text.
 */
export interface UpstreamStreamRequest extends Omit<UpstreamRequest, 'body'> {
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
  /** Parsed JSON when the body is JSON, else undefined (see `text`). Treat it as read-only. */
  json: unknown;
  text: string;
  /**
   * The `splitJson` keys when the answer was parsed in pieces: another reader (the memo's copies)
   * parses `text` in pieces again rather than in one JSON.parse.
   */
  splitJson?: readonly string[];
}

/**
 * What the per-request clients (datasources/<upstream>/client.ts) talk to: in the gateway always
 * the per-operation wrapper built in src/context.ts (counts, caps and memoises calls), which sends
 * through the process-wide `UpstreamPool` below.
 */
export interface UpstreamHttp {
  readonly name: UpstreamName;
  readonly baseUrl: URL;
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** A write whose body and answer stream (see UpstreamPool.stream). */
  stream(req: UpstreamStreamRequest): Promise<UpstreamStreamResponse>;
}

/** Called before every HTTP request goes out (each retry and redirect hop too); may throw to refuse it. */
export type BeforeSend = (upstream: UpstreamName, req: UpstreamRequest) => void;

export interface HttpOptions {
  /** Deadline of one call, retries and redirects included (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  /** At most this many extra attempts for idempotent requests after a network error or a 502/503/504. */
  retries?: number;
  logger?: Logger;
  /**
   * A `splitJson` answer larger than this (its Content-Length, or the bytes read so far) is parsed
   * in pieces; a smaller one in one JSON.parse (~1 ms at the default 128 KiB).
   */
  splitJsonOverBytes?: number;
}

const SPLIT_JSON_OVER_BYTES = 128 * 1024;

// 429 and 503 may carry Retry-After, which sets the wait (see retryAfterMs).
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * One upstream's connection pool and base URL, shared by every request of the process.
 * It knows nothing about callers: credentials arrive as headers on each call, from the
 * per-request clients built in the context.
 */
export class UpstreamPool implements UpstreamHttp {
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
    refuseDotSegments(path);
    // Set the path rather than resolve it: an alias path (`lab:x/`) would parse as a URL scheme.
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.baseUrl.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    for (const [k, v] of query) url.searchParams.append(k, v);
    return url;
  }

  /**
   * One call: the first attempt, retries of an idempotent request (backoff with jitter) and
   * same-origin redirects, all within one deadline of `timeoutMs`.
   */
  async request(req: UpstreamRequest, beforeSend?: BeforeSend): Promise<UpstreamResponse> {
    const idempotent = req.method === 'GET';
    const timeoutMs = Math.min(req.timeoutMs ?? Infinity, this.options.timeoutMs);
    const deadline = new Deadline(timeoutMs);
    let url = this.url(req.path, req.query);
    for (let attempt = 0, hops = 0; ; ) {
      beforeSend?.(this.name, req);
      let res: UpstreamResponse;
      try {
        res = await this.send(url, req, deadline);
      } catch (err) {
        const reason = failureReason(err, deadline);
        const wait = idempotent && attempt < this.retries && isRetryableError(err) ? backoffMs(attempt) : null;
        if (wait !== null && deadline.allows(wait)) {
          await sleep(wait);
          attempt++;
          continue;
        }
        throw upstreamUnavailable(this.name, url, reason, { attempts: attempt + 1, timeoutMs });
      }
      if (idempotent && RETRYABLE_STATUS.has(res.status) && attempt < this.retries) {
        // The upstream's Retry-After when it names one (never sooner); a wait past the deadline
        // is not waited: the caller gets the 429/503 now rather than a timeout later.
        const wait = Math.max(backoffMs(attempt), retryAfterMs(res.headers['retry-after']) ?? 0);
        if (deadline.allows(wait)) {
          await sleep(wait);
          attempt++;
          continue;
        }
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
   * One streamed request, sent once (a body stream cannot be replayed, and a write is not idempotent).
   * No overall deadline: a 200 MB document may take longer than UPSTREAM_TIMEOUT_MS in total; the
   * pool's idle timeouts (no byte moving for that long) still apply. Network errors are thrown as
   * they come (undici's), so the caller can tell a refused connection (nothing sent) from a lost answer.
   */
  async stream(req: UpstreamStreamRequest, beforeSend?: BeforeSend): Promise<UpstreamStreamResponse> {
    const url = this.url(req.path, req.query);
    beforeSend?.(this.name, { ...req, body: undefined });
    const started = performance.now();
    const route = routeTemplate(url.pathname);
    try {
      const res = await undiciRequest(url, { method: req.method, headers: req.headers, body: req.body, dispatcher: this.dispatcher });
      const seconds = (performance.now() - started) / 1000;
      recordUpstreamCall(this.name, req.method, route, res.statusCode, seconds);
      this.options.logger?.debug(
        { upstream: this.name, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'upstream stream',
      );
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      recordUpstreamCall(this.name, req.method, route, 'error', (performance.now() - started) / 1000);
      throw err;
    }
  }

  private async send(url: URL, req: UpstreamRequest, deadline: Deadline): Promise<UpstreamResponse> {
    const started = performance.now();
    const route = routeTemplate(url.pathname);
    const attempt = deadline.attempt();
    try {
      const res = await undiciRequest(url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        signal: attempt.signal,
      });
      const body = await this.readBody(res, req);
      const seconds = (performance.now() - started) / 1000;
      recordUpstreamCall(this.name, req.method, route, res.statusCode, seconds);
      this.options.logger?.debug(
        { upstream: this.name, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'upstream request',
      );
      return { status: res.statusCode, headers: res.headers, ...body };
    } catch (err) {
      recordUpstreamCall(this.name, req.method, route, 'error', (performance.now() - started) / 1000);
      throw err;
    } finally {
      attempt.release();
    }
  }

  /**
   * The answer's text and JSON. A `splitJson` JSON answer over the threshold (declared, or once
   * that many bytes came) is parsed in pieces as it arrives. Its text is kept, not its chunks: held
   * for the whole operation (the memo), 150 searches' worth of 64 KiB buffers left the heap
   * fragmented, ~100 MB more RSS after the operation than one string per answer.
   */
  private async readBody(res: Dispatcher.ResponseData, req: UpstreamRequest): Promise<Pick<UpstreamResponse, 'json' | 'text' | 'splitJson'>> {
    const type = res.headers['content-type'];
    if (!req.splitJson || !String(type ?? '').includes('json')) {
      const text = await res.body.text();
      return { json: parseJson(text, type), text };
    }
    const over = this.options.splitJsonOverBytes ?? SPLIT_JSON_OVER_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    let pieces = Number(res.headers['content-length']) > over ? new JsonPieces(req.splitJson) : null;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (pieces) await pieces.write(chunk);
      else if (size > over) {
        pieces = new JsonPieces(req.splitJson);
        for (const earlier of chunks) await pieces.write(earlier);
      }
    }
    const text = decodeUtf8(chunks);
    if (!pieces) return { json: parseJson(text, type), text };
    return { json: pieces.end(() => text), text, splitJson: req.splitJson };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

export type { FailureReason };

/**
 * A `.` or `..` segment (also percent-encoded) would make the URL resolve to another upstream path;
 * the datasources check each name's grammar, and this refuses whatever got past them.
 */
function refuseDotSegments(path: string): void {
  for (const segment of path.split('/')) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // malformed escapes are the upstream's to refuse
    }
    if (decoded === '.' || decoded === '..') {
      throw new GraphQLError(`Refused an upstream path with a '${decoded}' segment: ${path.slice(0, 200)}`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  }
}

function parseJson(text: string, contentType: string | string[] | undefined): unknown {
  if (!text || !(String(contentType ?? '').includes('json') || /^\s*[[{]/.test(text))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
