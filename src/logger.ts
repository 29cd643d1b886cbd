import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './config';

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

/**
 * The one logger of the process: access log, start-up banner, errors, on stdout. `json`: one JSON
 * object per line, for services and log shippers. `pretty`: pino-pretty's lines for a person at a
 * terminal, formatted in this process (a stream, not a worker-thread transport: a terminal's
 * volume of lines does not need a thread, and a crash still flushes what was written).
 */
export function createLogger(level: string, format: LogFormat = 'json', mixin?: () => Record<string, unknown>): Logger {
  // `mixin`: fields every line carries (with tracing on, the running request's trace id).
  const options = { level, base: { service: 'submission-gateway' }, redact: { paths: REDACT, censor: '[redacted]' }, ...(mixin ? { mixin } : {}) };
  if (format === 'json') return pino(options);
  return pino(options, pretty({ ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss.l', sync: true }));
}
