import { GraphQLError } from 'graphql';
import { recordLimitRefusal } from '../metrics';
import type { SpanParent } from '../plugins/tracing';
import type { BeforeSend, UpstreamHttp, UpstreamName, UpstreamPool, UpstreamRequest, UpstreamResponse, UpstreamStreamRequest, UpstreamStreamResponse } from './http';
import { parseInPieces } from './json-pieces';
import { routeTemplate } from './route-template';

/**
 * Per-operation accounting of upstream calls: one `UpstreamCalls` per GraphQL request, built in
 * src/context.ts and reachable by resolvers and services as `ctx.upstreamCalls`.
 *
 * How to use it (datasources, services, the typed graph):
 * - Build clients over `calls.http(pool)`, never over the process-wide pool: src/context.ts does
 *   this for the ENCODE and GDC clients; a new per-request client does the same with
 *   `ctx.upstreamCalls.http(pool)` (or takes the `UpstreamHttp` it is given).
 * - Counting: every HTTP request sent upstream counts for its upstream, each retry and redirect hop
 *   included. `calls.counts()` gives `{ ENCODE: n, GDC: m }`, which every response carries as
 *   `extensions.upstreamCalls`. Tests assert exact request counts with it.
 * - Memo: identical GETs (method, URL with query, credential and accept headers) in one operation
 *   are sent once; concurrent identical GETs share one request, and each caller gets its own
 *   parse of the body. Any write (non-GET) to an upstream forgets that upstream's memo when it
 *   starts and when it ends, so a read after a write always asks again. Pass `fresh: true` on a
 *   request to skip the memo explicitly (e.g. checking whether a lost write landed).
 * - Admission: with per-caller rate limits, a call waits until the caller's check has settled, and
 *   is never sent if it refused (the request is answered 429: src/http/rate-limit.ts).
 * - Cap (`MAX_UPSTREAM_CALLS`, default 50): reads are refused, before they are sent, once the
 *   operation has sent `max + writes + granted` reads. Writes are never refused by the cap:
 *   each one is a record or document the caller's input asked for (bounded by the body size and
 *   the root-field limit), and each write also allows one more read, so a service can check every
 *   write it made. A service whose input justifies more reads calls `calls.grant(n)` first (e.g.
 *   one per input record for a lookup that cannot batch). The refusal is a GraphQL error with
 *   `extensions.code` `LIMIT_EXCEEDED` and `extensions.limit` `MAX_UPSTREAM_CALLS`.
 */
export class UpstreamCalls {
  private readonly sent: Record<UpstreamName, number> = { ENCODE: 0, GDC: 0 };
  /** Reads and writes sent, for the cap (counts per upstream are in `sent`). */
  private reads = 0;
  private writes = 0;
  private granted = 0;
  private readonly memo = new Map<string, Promise<Remembered>>();

  constructor(
    readonly max: number,
    private readonly request: {
      requestId?: string;
      trace?: SpanParent;
      /** The caller's rate-limit check, if still under way (src/http/rate-limit.ts): nothing is sent before it settles, nor at all if it refuses. */
      admission?: Promise<void>;
    } = {},
  ) {}

  /** This operation's view of an upstream's shared pool: counted, capped and memoised. */
  http(pool: UpstreamPool): UpstreamHttp {
    return {
      name: pool.name,
      baseUrl: pool.baseUrl,
      request: (req) => (req.method === 'GET' ? this.read(pool, req) : this.write(pool, req)),
      stream: (req) => (req.method === 'GET' ? this.readStream(pool, req) : this.writeStream(pool, req)),
    };
  }

  /** Requests sent so far, per upstream (what `extensions.upstreamCalls` shows). */
  counts(): Record<UpstreamName, number> {
    return { ...this.sent };
  }

  total(): number {
    return this.sent.ENCODE + this.sent.GDC;
  }

  /** Allows `n` more reads in this operation, for work proportional to the caller's input. */
  grant(n: number): void {
    if (n > 0) this.granted += n;
  }

  /**
   * Refuses up front work that needs at least `needed` more reads than the cap leaves (a list of
   * ids the loaders would need that many calls for), before anything proportional to it is built
   * or sent: the same LIMIT_EXCEEDED the cap answers once reached, with what was asked.
   */
  expect(needed: number, what: string): void {
    const left = this.max + this.writes + this.granted - this.reads;
    if (needed <= left) return;
    recordLimitRefusal('MAX_UPSTREAM_CALLS');
    throw new GraphQLError(
      `${what} needs at least ${needed} upstream calls, more than the ${left} this operation has left (MAX_UPSTREAM_CALLS=${this.max}): ` +
        'ask for fewer records per operation, or raise MAX_UPSTREAM_CALLS',
      { extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_UPSTREAM_CALLS', max: this.max, needed } },
    );
  }

  private read(pool: UpstreamPool, req: UpstreamRequest): Promise<UpstreamResponse> {
    const key = memoKey(pool.name, req);
    const shared = req.fresh ? undefined : this.memo.get(key);
    if (shared) return shared.then(copy);
    const pending = this.send(pool, req, true, (r, before) => pool.request(r, before));
    const remembered = pending.then(remember);
    this.memo.set(key, remembered);
    // A failed read is not remembered: asking again may get an answer.
    remembered.catch(() => {
      if (this.memo.get(key) === remembered) this.memo.delete(key);
    });
    return pending;
  }

  private async write(pool: UpstreamPool, req: UpstreamRequest): Promise<UpstreamResponse> {
    this.forget(pool.name);
    this.writes++;
    try {
      return await this.send(pool, req, false, (r, before) => pool.request(r, before));
    } finally {
      this.forget(pool.name);
    }
  }

  /** A streamed read (a binary download) counts and is capped like any read; it is never memoised. */
  private readStream(pool: UpstreamPool, req: UpstreamStreamRequest): Promise<UpstreamStreamResponse> {
    return this.send(pool, req, true, (r, before) => pool.stream(r, before));
  }

  /** A streamed write counts and forgets the memo like any write (its answer ends when the caller has read it). */
  private async writeStream(pool: UpstreamPool, req: UpstreamStreamRequest): Promise<UpstreamStreamResponse> {
    this.forget(pool.name);
    this.writes++;
    try {
      return await this.send(pool, req, false, (r, before) => pool.stream(r, before));
    } finally {
      this.forget(pool.name);
    }
  }

  /**
   * One call as it leaves: counted (and capped) at each attempt, with the request id and, when
   * tracing, the call's span (traceparent/tracestate) in its headers; the span ends with the answer.
   * Sent once the caller's rate-limit check admits it, never if it refuses.
   */
  private send<R extends UpstreamRequest | UpstreamStreamRequest, T extends { status: number }>(
    pool: UpstreamPool,
    req: R,
    capped: boolean,
    go: (req: R, beforeSend: BeforeSend) => Promise<T>,
  ): Promise<T> {
    const { requestId, trace, admission } = this.request;
    const sendNow = () => {
      const span = trace?.upstream({ upstream: pool.name, method: req.method, route: routeTemplate(pool.url(req.path, req.query).pathname) });
      const headers = { ...req.headers, ...(requestId ? { 'x-request-id': requestId } : {}), ...span?.headers };
      const sent = go({ ...req, headers }, (upstream) => {
        this.count(upstream, capped);
        span?.attempt();
      });
      if (span) sent.then((res) => span.end(res.status), () => span.end('error'));
      return sent;
    };
    return admission ? admission.then(sendNow) : sendNow();
  }

  private count(upstream: UpstreamName, capped: boolean): void {
    if (capped && this.reads >= this.max + this.writes + this.granted) {
      recordLimitRefusal('MAX_UPSTREAM_CALLS');
      throw new GraphQLError(
        `This operation needs more than ${this.max} upstream calls (MAX_UPSTREAM_CALLS=${this.max}; ${this.reads} reads sent): ` +
          'ask for fewer records or aliases per operation, or raise MAX_UPSTREAM_CALLS',
        { extensions: { code: 'LIMIT_EXCEEDED', limit: 'MAX_UPSTREAM_CALLS', max: this.max, upstream } },
      );
    }
    this.sent[upstream]++;
    if (capped) this.reads++;
  }

  private forget(upstream: UpstreamName): void {
    for (const key of this.memo.keys()) if (key.startsWith(`${upstream} `)) this.memo.delete(key);
  }
}

const KEY_HEADERS = ['authorization', 'x-auth-token', 'accept'];

function memoKey(upstream: UpstreamName, req: UpstreamRequest): string {
  const query = (req.query ?? []).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const headers = Object.entries(req.headers ?? {})
    .filter(([name]) => KEY_HEADERS.includes(name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort()
    .join('\n');
  return `${upstream} ${req.path}?${query}\n${headers}`;
}

/**
 * What the memo keeps of an answer: its text, not its JSON, which every later reader parses
 * anew anyway. A 20,000-row ENCODE dry run sends ~160 searches in one operation, ~900 KB each
 * (mostly `filters`): their parsed answers need not live as long as the operation.
 */
interface Remembered {
  res: UpstreamResponse;
  json: boolean;
}

function remember(res: UpstreamResponse): Remembered {
  return { res: { ...res, json: undefined }, json: res.json !== undefined };
}

/**
 * A memo hit gets its own parse of the body, so no caller sees another's changes to the JSON;
 * an answer parsed in pieces (`splitJson`) is parsed again in pieces.
 */
async function copy({ res, json }: Remembered): Promise<UpstreamResponse> {
  if (!json) return { ...res };
  if (res.splitJson) return { ...res, json: await parseInPieces([Buffer.from(res.text, 'utf8')], res.splitJson) };
  return { ...res, json: JSON.parse(res.text) };
}
