interface HttpishError extends Error {
  status?: number;
  expose?: boolean;
}

/**
 * A request error a library (graphql-upload, busboy) reports with an HTTP status: a map naming a
 * file the body does not hold, a file name broken by CRLF, a client gone mid-body (499). The
 * caller's mistake: a 4xx with its message and a code, never INTERNAL_SERVER_ERROR and never an
 * error-level line in the log. Null for anything else.
 */
export function clientRequestError(err: unknown): { status: number; code: string } | null {
  const e = err as HttpishError | null;
  const status = e?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500 || e?.expose === false) return null;
  const code = status === 413 ? 'LIMIT_EXCEEDED' : status === 499 ? 'CLIENT_CLOSED_REQUEST' : 'BAD_REQUEST';
  // 499 is nginx's, for the log; whoever still listens hears a plain 400.
  return { status: status === 499 ? 400 : status, code };
}
