/**
 * Persisted operations, one seam for both execution paths: the query fast path runs it on the body
 * it read (before parsing the document), the express app on JSON, multipart and GET requests
 * before Apollo. It resolves what the request names into a plain `query`, so neither path knows
 * about hashes, and Apollo's own APQ is off (one implementation of the protocol, not two).
 *
 * - Automatic persisted queries (Apollo's protocol): `extensions.persistedQuery { version: 1,
 *   sha256Hash }`. A hash alone is looked up (miss: `PERSISTED_QUERY_NOT_FOUND`, so the client
 *   sends the query with the hash to register it); a hash with a query must be the query's
 *   SHA-256 (`PERSISTED_QUERY_HASH_MISMATCH` otherwise) and registers it; another version is refused.
 * - Trusted documents (TRUSTED_DOCUMENTS): only the manifest's operations run, sent by id (the
 *   hash field) or by exact body; anything else is `PERSISTED_QUERY_NOT_ALLOWED`, decided by one
 *   map lookup before the document is parsed. Nothing is registered then.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../http/error-body';
import { recordLimitRefusal } from '../metrics';
import { sha256Hex, type TrustedDocuments } from './trusted-documents';

type Next = (err?: unknown) => void;

const SHA256_HEX = /^[0-9a-f]{64}$/i;
/** APQ store bounds: a caller registering ever-new queries must not grow memory without bound. */
const MAX_STORED = 10_000;
const MAX_STORED_CHARS = 16 * 1024 * 1024;

/** Registered queries by hash, oldest out first once either bound is reached. */
export class PersistedQueryStore {
  private readonly entries = new Map<string, string>();
  private chars = 0;

  get(hash: string): string | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, query: string): void {
    if (this.entries.has(hash) || query.length > MAX_STORED_CHARS) return;
    while (this.entries.size && (this.entries.size >= MAX_STORED || this.chars + query.length > MAX_STORED_CHARS)) {
      const [oldest, text] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.chars -= text.length;
    }
    this.entries.set(hash, query);
    this.chars += query.length;
  }
}

export interface PersistedOperationsOptions {
  /** TRUSTED_DOCUMENTS: when set, only these operations run. */
  trusted: TrustedDocuments | null;
  store?: PersistedQueryStore;
}

/** What a GraphQL request over HTTP carries, wherever it came from (JSON, multipart operations, GET parameters). */
interface Operation {
  query?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

interface Refusal {
  status: number;
  message: string;
  code: string;
  headers?: Record<string, string>;
}

/** Apollo sends APQ misses 200 and uncached, so a client retries with the query at once. */
const MISS_HEADERS = { 'cache-control': 'private, no-cache, must-revalidate' };

/** Resolves one operation in place: `query` filled in, the persisted-query extension removed. Null when it may run. */
export function resolveOperation(op: Operation, options: Required<PersistedOperationsOptions> | PersistedOperationsOptions): Refusal | null {
  const extensions = op.extensions && typeof op.extensions === 'object' ? (op.extensions as Record<string, unknown>) : undefined;
  const persisted = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  const query = typeof op.query === 'string' && op.query !== '' ? op.query : undefined;
  let id: string | undefined;
  if (persisted !== undefined) {
    if (!persisted || typeof persisted !== 'object' || persisted.version !== 1) {
      return { status: 400, message: 'Unsupported persisted query version: only version 1 is known', code: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED' };
    }
    if (typeof persisted.sha256Hash !== 'string' || !persisted.sha256Hash) {
      return { status: 400, message: 'extensions.persistedQuery.sha256Hash must be a string', code: 'BAD_REQUEST' };
    }
    id = persisted.sha256Hash;
  } else if (typeof op.documentId === 'string' && op.documentId) {
    id = op.documentId;
  }
  const { trusted } = options;
  let resolved: string | undefined;
  if (trusted) {
    resolved = id !== undefined ? trusted.bodyOf(id) : query;
    const allowed = resolved !== undefined && (id === undefined ? trusted.allows(resolved) : query === undefined || query === resolved);
    if (!allowed) {
      recordLimitRefusal('TRUSTED_DOCUMENTS');
      return { status: 400, message: 'This operation is not one of the trusted documents (TRUSTED_DOCUMENTS)', code: 'PERSISTED_QUERY_NOT_ALLOWED' };
    }
  } else if (id !== undefined) {
    if (!SHA256_HEX.test(id)) return { status: 400, message: 'extensions.persistedQuery.sha256Hash must be 64 hex digits (SHA-256)', code: 'BAD_REQUEST' };
    if (query !== undefined) {
      if (sha256Hex(query) !== id.toLowerCase()) return { status: 400, message: 'provided sha does not match query', code: 'PERSISTED_QUERY_HASH_MISMATCH' };
      options.store?.set(id.toLowerCase(), query);
      resolved = query;
    } else {
      resolved = options.store?.get(id.toLowerCase());
      if (resolved === undefined) return { status: 200, message: 'PersistedQueryNotFound', code: 'PERSISTED_QUERY_NOT_FOUND', headers: MISS_HEADERS };
    }
  } else {
    return null;
  }
  op.query = resolved;
  if (extensions && persisted !== undefined) {
    const { persistedQuery: _resolved, ...rest } = extensions;
    op.extensions = rest;
  }
  delete op.documentId;
  return null;
}

/** The GET parameters as an operation, and how to write a resolved one back into the URL. */
function fromUrl(req: IncomingMessage): { op: Operation; write: () => void } | null {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q === -1) return null;
  const params = new URLSearchParams(url.slice(q + 1));
  let extensions: unknown;
  const raw = params.get('extensions');
  if (raw !== null) {
    try {
      extensions = JSON.parse(raw);
    } catch {
      return null; // Apollo answers malformed parameters
    }
  }
  const op: Operation = { query: params.get('query') ?? undefined, extensions, documentId: params.get('documentId') ?? undefined };
  return {
    op,
    write: () => {
      if (typeof op.query === 'string') params.set('query', op.query);
      if (op.extensions !== undefined) params.set('extensions', JSON.stringify(op.extensions));
      params.delete('documentId');
      req.url = `${url.slice(0, q)}?${params.toString()}`;
    },
  };
}

/** The step, for the fast path's guard and the express app alike (run once per request). */
export function persistedOperations(options: PersistedOperationsOptions) {
  const resolved: PersistedOperationsOptions = { trusted: options.trusted, store: options.store ?? new PersistedQueryStore() };
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: Next): void => {
    let refusal: Refusal | null = null;
    if (req.method === 'GET') {
      const get = fromUrl(req);
      if (!get) return next();
      refusal = resolveOperation(get.op, resolved);
      if (!refusal) get.write();
    } else if (req.body && typeof req.body === 'object') {
      // A batch (Apollo refuses those) is checked operation by operation, so none slips past the trusted list.
      for (const op of Array.isArray(req.body) ? req.body : [req.body]) {
        refusal = op && typeof op === 'object' ? resolveOperation(op as Operation, resolved) : null;
        if (refusal) break;
      }
    }
    if (!refusal) return next();
    for (const [name, value] of Object.entries(refusal.headers ?? {})) res.setHeader(name, value);
    sendError(res, refusal.status, refusal.message, refusal.code);
  };
}
