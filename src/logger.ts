import pino, { type Logger } from 'pino';

/** Anything that could carry a credential, wherever a log line might hold it. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers["x-dcc-api-key"]',
  'req.headers["x-dcc-secret-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-dcc-secret-key"]',
];

/** The one logger of the process: access log, start-up banner, errors (JSON lines on stdout). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'submission-gateway' }, redact: { paths: REDACT, censor: '[redacted]' } });
}
