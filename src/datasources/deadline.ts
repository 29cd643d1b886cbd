import { errors as undiciErrors } from 'undici';

/**
 * The time one upstream call may take, retries and redirects included (UPSTREAM_TIMEOUT_MS).
 * Every attempt is aborted when it runs out, and a retry starts only if its backoff still fits.
 */
export class Deadline {
  readonly at: number;

  constructor(readonly ms: number) {
    this.at = Date.now() + ms;
  }

  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  expired(): boolean {
    return Date.now() >= this.at;
  }

  /** Whether waiting `waitMs` still leaves an attempt a useful slice of time. */
  allows(waitMs: number): boolean {
    return this.remaining() - waitMs >= MIN_ATTEMPT_MS;
  }

  /** Aborts an attempt when the deadline passes. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, this.remaining()));
  }

  /**
   * Like `signal()`, for one attempt that says when it is over: its timer is cleared then.
   * AbortSignal.timeout's timer lives on to the deadline (a minute by default) whatever happens, so
   * a busy gateway would carry one live timer per request of the last minute.
   */
  attempt(): { signal: AbortSignal; release(): void } {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), Math.max(1, this.remaining()));
    timer.unref();
    return { signal: controller.signal, release: () => clearTimeout(timer) };
  }
}

/** A retry that could not get this long is not worth sending. */
const MIN_ATTEMPT_MS = 50;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many callers spread out. */
/**
 * The upstream's own Retry-After (RFC 9110: delay-seconds or an HTTP date) in ms, or null when
 * absent or unreadable. A 429/503 that names its wait is retried no sooner than that.
 */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP date names its weekday and month; Date.parse alone would read '-5' as a year.
  const at = /[a-z]/i.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Why a call got no answer. `refused` means the request never reached the upstream (nothing can
 * have landed); after `reset` or `timeout` a write may or may not have landed.
 */
export type FailureReason = 'timeout' | 'refused' | 'reset';

export function failureReason(err: unknown, deadline: Deadline): FailureReason {
  const e = err as { code?: string; name?: string };
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'refused';
  if (
    deadline.expired() ||
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.RequestAbortedError
  ) {
    return 'timeout';
  }
  return 'reset';
}

export function isRetryableError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return (
    err instanceof undiciErrors.SocketError ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED'].includes(code)
  );
}
