import { AsyncResource } from 'node:async_hooks';
import { StringDecoder } from 'node:string_decoder';
import { type JsonLimits, JsonSyntaxError, parseBoundedJson } from './bounded-json';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { recordLimitRefusal } from '../metrics';
import { sendError } from './error-body';
import type { NodeMiddleware } from './front-door';
import type { InflightBytes } from './inflight-bytes';

export interface RequestBodyOptions {
  /** MAX_REQUEST_BYTES: the body as sent and after decompression. */
  maxBytes: number;
  /** MAX_INFLIGHT_BODY_BYTES, shared by every request of the process. */
  inflight: InflightBytes;
  /** ACCEPT_COMPRESSED_BODIES: false = compressed bodies are refused with 415. */
  acceptCompressed: boolean;
  /** Shape limits the JSON is parsed under (MAX_JSON_KEYS, MAX_LIST_ITEMS, ...: src/http/bounded-json.ts). */
  jsonLimits: JsonLimits;
}

type BodyRequest = IncomingMessage & { body?: unknown };

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** JSON (`application/json`, `application/graphql-response+json`, any `+json`). */
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*(;|$)/i;

/** RFC 2046 §5.1.1: 1 to 70 of these characters, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** What is wrong with a multipart Content-Type's boundary, or null (busboy reads the rest). */
export function multipartBoundaryProblem(type: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(type);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return 'The multipart/form-data Content-Type names no boundary';
  if (!BOUNDARY.test(boundary)) return `The multipart boundary must be 1 to 70 characters of RFC 2046's set (got ${boundary.length} characters)`;
  return null;
}

/** Why a request is refused from its head alone, before a byte of its body is read; null = none. */
interface Refusal {
  status: number;
  message: string;
  code: string;
  extensions?: Record<string, unknown>;
}

function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length'];
  return header === undefined ? null : Number(header);
}

function tooLarge(max: number, inflated: boolean): Refusal {
  recordLimitRefusal('MAX_REQUEST_BYTES');
  const what = inflated ? 'The request body inflates to more than' : 'The request body is larger than';
  return { status: 413, message: `${what} ${max} bytes (MAX_REQUEST_BYTES=${max}); send a large submission document as a file (multipart, the input's \`file\`)`, code: 'LIMIT_EXCEEDED', extensions: { limit: 'MAX_REQUEST_BYTES', max } };
}

function busy(max: number): Refusal {
  recordLimitRefusal('MAX_INFLIGHT_BODY_BYTES');
  return {
    status: 503,
    message: `The gateway holds as many request bodies as it may (MAX_INFLIGHT_BODY_BYTES=${max}); try again shortly`,
    code: 'LIMIT_EXCEEDED',
    extensions: { limit: 'MAX_INFLIGHT_BODY_BYTES', max },
  };
}

function refuseHead(req: IncomingMessage, options: RequestBodyOptions): Refusal | null {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    return { status: 415, message: `POST /graphql takes application/json (or multipart/form-data for uploads), not '${type || 'no Content-Type'}'`, code: 'UNSUPPORTED_MEDIA_TYPE' };
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) return { status: 415, message: `Unsupported charset "${charset.toUpperCase()}": send UTF-8`, code: 'UNSUPPORTED_MEDIA_TYPE' };
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && !DECODERS[encoding]) {
    return { status: 415, message: `Unsupported Content-Encoding "${encoding}": send identity, gzip, deflate or br`, code: 'UNSUPPORTED_MEDIA_TYPE' };
  }
  if (encoding !== 'identity' && !options.acceptCompressed) {
    return { status: 415, message: 'This gateway takes no compressed request bodies (ACCEPT_COMPRESSED_BODIES=false): send it uncompressed', code: 'UNSUPPORTED_MEDIA_TYPE' };
  }
  // A compressed body inflates to more than it is sent as: its Content-Length is held to the cap too.
  const declared = declaredLength(req);
  if (declared !== null && declared > options.maxBytes) return tooLarge(options.maxBytes, false);
  return null;
}

function refuse(res: ServerResponse, r: Refusal): void {
  if (r.status === 503) res.setHeader('retry-after', '1');
  sendError(res, r.status, r.message, r.code, r.extensions);
}

/** 100 Continue, for a client that waits for it: sent only once the request is going to be read. */
export function continueIfExpected(req: IncomingMessage, res: ServerResponse): void {
  if (/^\s*100-continue\s*$/i.test(req.headers.expect ?? '') && !res.headersSent) res.writeContinue();
}

function badBody(res: ServerResponse, message: string): void {
  sendError(res, 400, `The request body must be a JSON object (a GraphQL request): ${message}`, 'BAD_REQUEST');
}

/**
 * Every non-upload request body, read once, here (issue 18): refused on its head (type, charset,
 * encoding, Content-Length over MAX_REQUEST_BYTES, no room under MAX_INFLIGHT_BODY_BYTES) before a
 * byte is read or `100 Continue` sent; inflated as a stream and cut the moment it passes
 * MAX_REQUEST_BYTES; then parsed into `req.body` for the query fast path and Apollo. Multipart
 * uploads go on unread to graphql-upload (MAX_UPLOAD_BYTES, MAX_DATA_FILE_BYTES). A client that
 * goes away mid-body is not an error: the request just ends.
 */
export function requestBody(options: RequestBodyOptions): NodeMiddleware {
  return (request, res, next) => {
    const req = request as BodyRequest;
    // What body-parser leaves for a request without one: Apollo checks `'body' in req`.
    if (req.method !== 'POST') {
      req.body ??= undefined;
      return next();
    }
    if (MULTIPART_TYPE.test(req.headers['content-type'] ?? '')) {
      const boundary = multipartBoundaryProblem(req.headers['content-type']!);
      if (boundary) return sendError(res, 400, boundary, 'BAD_REQUEST');
      continueIfExpected(req, res);
      return next();
    }
    const head = refuseHead(req, options);
    if (head) return refuse(res, head);
    let held = declaredLength(req) ?? 0;
    if (!options.inflight.take(held)) return refuse(res, busy(options.inflight.max));
    res.once('close', () => options.inflight.give(held));
    continueIfExpected(req, res);
    read(req, res, options, {
      grow(size) {
        if (size <= held) return true;
        if (!options.inflight.take(size - held)) return false;
        held = size;
        return true;
      },
      done(text) {
        if (!/\S/.test(text)) {
          // body-parser's answer to an empty JSON body: an empty object (Apollo then names what is missing).
          req.body = {};
          return next();
        }
        // body-parser's strict JSON: an object or an array, nothing else.
        const first = /\S/.exec(text)![0];
        if (first !== '{' && first !== '[') return badBody(res, `Unexpected token ${first}: not a JSON object or array`);
        parseBoundedJson(text, options.jsonLimits).then(
          (body) => {
            req.body = body;
            next();
          },
          // A shape limit (MAX_JSON_KEYS, ...) goes to the error handler: 400 LIMIT_EXCEEDED naming it.
          (err: unknown) => (err instanceof JsonSyntaxError ? badBody(res, err.message) : next(err)),
        );
      },
    });
  };
}

interface ReadHooks {
  /** The body has reached `size` bytes: false if MAX_INFLIGHT_BODY_BYTES has no room for them. */
  grow(size: number): boolean;
  done(text: string): void;
}

function read(req: IncomingMessage, res: ServerResponse, options: RequestBodyOptions, hooks: ReadHooks): void {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decoder = encoding === 'identity' ? null : DECODERS[encoding]();
  // Decoded as the chunks arrive, not in one piece at the end: a 38 MB body was ~80 ms of
  // Buffer.concat + toString in one turn of the event loop (another caller's p99 near 100 ms).
  const utf8 = new StringDecoder('utf8');
  const chunks: string[] = [];
  let size = 0;
  let over = false;
  const stop = (refusal: Refusal | null) => {
    if (over) return;
    over = true;
    chunks.length = 0;
    decoder?.destroy();
    req.pause();
    if (refusal) refuse(res, refusal);
  };
  const take = (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > options.maxBytes) return stop(tooLarge(options.maxBytes, decoder !== null));
    if (!hooks.grow(size)) return stop(busy(options.inflight.max));
    chunks.push(utf8.write(chunk));
  };
  // Run in the request's async scope: 'end' is emitted from the socket's, and what follows
  // (parsing, the fast path or Apollo) would otherwise lose what that scope carries (its trace id).
  // runInAsyncScope, not AsyncResource.bind: bind defines deprecated accessors on every function
  // it returns, ~10 µs per request.
  const scope = new AsyncResource('request-body');
  const finish = () =>
    scope.runInAsyncScope(() => {
      if (over) return;
      over = true;
      const tail = utf8.end();
      if (tail) chunks.push(tail);
      hooks.done(chunks.length === 1 ? chunks[0] : chunks.join(''));
    });
  // A client gone mid-body: nothing to answer, nothing to log beyond the access line.
  req.once('aborted', () => stop(null));
  req.once('error', () => stop(null));
  if (!decoder) {
    req.on('data', take);
    req.once('end', finish);
    return;
  }
  decoder.on('data', take);
  decoder.once('end', finish);
  decoder.once('error', (err) => stop({ status: 400, message: `The request body is not valid ${encoding} data: ${err.message}`, code: 'BAD_REQUEST' }));
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    // Inflation runs at the pace the inflated bytes are taken, never ahead of the cap.
    if (!decoder.write(chunk)) {
      req.pause();
      decoder.once('drain', () => !over && req.resume());
    }
  });
  req.once('end', () => !over && decoder.end());
}
