import { GraphQLError } from 'graphql';
import type { FailureReason } from './deadline';
import type { UpstreamName } from './http';

/** GraphQL error codes by upstream HTTP status; anything else from a 4xx is the caller's input. */
function codeFor(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status >= 400 && status < 500) return 'BAD_USER_INPUT';
  return 'UPSTREAM_ERROR';
}

const LABEL: Record<UpstreamName, string> = { ENCODE: 'ENCODE portal', GDC: 'GDC submission API' };

/** The upstream's own words for what went wrong, from the envelopes both APIs use. */
export function upstreamMessage(body: unknown, text: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['detail', 'message', 'description', 'title']) {
      if (typeof b[key] === 'string' && b[key]) return b[key] as string;
    }
    if (Array.isArray(b.errors) && b.errors.length) return b.errors.map(String).join('; ');
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * An upstream answer that the gateway cannot turn into a result. The status, the upstream's
 * message and body reach the caller in `extensions` so the error keeps its meaning.
 */
export function upstreamError(
  upstream: UpstreamName,
  status: number,
  body: unknown,
  text: string,
  action: string,
): GraphQLError {
  const detail = upstreamMessage(body, text);
  return new GraphQLError(`${LABEL[upstream]} answered ${status} to ${action}${detail ? `: ${detail}` : ''}`, {
    extensions: {
      code: codeFor(status),
      upstream,
      upstreamStatus: status,
      upstreamMessage: detail,
      upstreamBody: body ?? (text.length > 2000 ? `${text.slice(0, 2000)}…` : text),
    },
  });
}

const WHY: Record<FailureReason, string> = {
  timeout: 'gave no answer within UPSTREAM_TIMEOUT_MS',
  refused: 'refused the connection',
  reset: 'closed the connection without an answer',
};

/**
 * No answer from the upstream. `extensions.reason` says whether a write may have landed anyway
 * (`timeout`, `reset`) or cannot have (`refused`); `attempts` counts retries of reads.
 */
export function upstreamUnavailable(
  upstream: UpstreamName,
  url: URL,
  reason: FailureReason,
  info: { attempts: number; timeoutMs: number },
): GraphQLError {
  const tries = `${info.attempts} attempt${info.attempts === 1 ? '' : 's'}`;
  const limit = reason === 'timeout' ? ` (${info.timeoutMs} ms)` : '';
  return new GraphQLError(`${LABEL[upstream]} at ${url.origin} ${WHY[reason]}${limit}; ${tries}`, {
    extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream, reason, attempts: info.attempts, timeoutMs: info.timeoutMs },
  });
}

/** A write the gateway refuses before calling upstream because the caller has no credential at all. */
export function missingCredential(upstream: UpstreamName, hint: string): GraphQLError {
  return new GraphQLError(`No ${LABEL[upstream]} credential: ${hint}`, {
    extensions: { code: 'UNAUTHENTICATED', upstream, upstreamStatus: null },
  });
}
