import type { UpstreamName } from './http';

/**
 * A write whose answer never came back whole: the connection was reset or closed, it timed out, or
 * the upstream (or a proxy in front of it) answered 5xx. The write may have landed, so the caller
 * must look before it reports (or re-sends) anything.
 */
export class LostResponse extends Error {
  constructor(
    readonly upstream: UpstreamName,
    /** What was sent, e.g. `POST GDC-INTERNAL`. */
    readonly action: string,
    /** Why the answer is missing, e.g. `socket closed` or `HTTP 503: Service Unavailable`. */
    readonly reason: string,
    /** When the request went out (gateway clock, ms since the epoch). */
    readonly sentAt: number,
    readonly status: number | null = null,
  ) {
    super(`${upstream} answer to ${action} was lost (${reason})`);
  }
}

/** Connection errors that prove nothing was sent: the write certainly did not land. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function neverSent(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return NEVER_SENT.has(e.code ?? '') || NEVER_SENT.has(e.cause?.code ?? '');
}

/** A short reason for a network error, for messages: undici's code and words. */
export function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(': ') || String(err);
}
