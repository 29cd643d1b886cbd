/**
 * Opaque connection cursors. A cursor holds an offset bound to the field and filters it was made
 * for, signed with HMAC-SHA256: a tampered or foreign cursor (another field, other filters, another
 * gateway) is BAD_USER_INPUT, never an upstream call with parameters a caller chose.
 *
 * The key comes from CURSOR_SECRET, so every process sharing that secret (instances behind a load
 * balancer, the process after a restart) honours the others' cursors. Without it each process draws
 * its own key and its cursors end with it.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { badInput } from '../services/documents';

const VERSION = 'c1';
/** The largest page a connection serves. */
export const MAX_PAGE = 10_000;
/** The deepest offset a cursor may hold (ENCODE's search and GDC's graph page within the same bound). */
export const MAX_CURSOR_OFFSET = 1_000_000;
/** Longer than any cursor issued (about 60 characters): refused before it is decoded. */
export const MAX_CURSOR_LENGTH = 200;

/** What a cursor is bound to: the field and every filter, canonically. */
export function cursorScope(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export interface PageInfoModel {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionModel<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoModel;
  totalCount: number | null;
}

/** Issues and checks the cursors of one gateway (one key). */
export class Cursors {
  private readonly key: Buffer;

  /** `secret`: CURSOR_SECRET; null draws a key for this process alone. */
  constructor(secret: string | null) {
    // Derived, not used as is: the HMAC key is the same length whatever the secret's form (hex, base64, words).
    this.key = secret === null ? randomBytes(32) : Buffer.from(hkdfSync('sha256', secret, 'submission-gateway', 'connection cursors v1', 32));
  }

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, 16);
  }

  encode(scope: string, offset: number): string {
    const payload = `${VERSION}.${scope}.${offset}`;
    return Buffer.from(`${payload}.${this.sign(payload).toString('base64url')}`).toString('base64url');
  }

  /** The offset a cursor holds, if a gateway with this key issued it for this scope. */
  decode(cursor: string, scope: string, argument: string): number {
    const refuse = () => badInput(`${argument} is not a cursor this connection issued (for these filters, from this gateway); start again without it`, argument);
    if (cursor.length > MAX_CURSOR_LENGTH) throw refuse();
    const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
    if (parts.length !== 4 || parts[0] !== VERSION || parts[1] !== scope || !/^\d{1,7}$/.test(parts[2])) throw refuse();
    const offset = Number(parts[2]);
    // Compared as the whole text the gateway would issue: base64's spare bits make several texts decode
    // to the same bytes, and only the one issued is a cursor.
    const given = Buffer.from(cursor);
    const expected = Buffer.from(this.encode(scope, offset));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
    if (offset > MAX_CURSOR_OFFSET) throw refuse();
    return offset;
  }

  /** A page of nodes starting at `from`, as Relay's connection. */
  connection<T>(scope: string, nodes: T[], from: number, hasNextPage: boolean, totalCount: number | null): ConnectionModel<T> {
    const edges = nodes.map((node, i) => ({ cursor: this.encode(scope, from + i), node }));
    return {
      edges,
      pageInfo: { hasNextPage, hasPreviousPage: from > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }
}
