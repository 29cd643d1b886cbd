import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics, served at GET /metrics. Code elsewhere records through the
 * small functions below, never through the metric objects, so label sets stay in one place and
 * every label value is bounded (no ids, no caller-chosen strings beyond a capped set).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const operations = new Counter({
  name: 'gateway_operations_total',
  help: 'GraphQL operations by name, type and outcome (ok, error, refused)',
  labelNames: ['operation', 'type', 'outcome'] as const,
  registers: [registry],
});
const operationSeconds = new Histogram({
  name: 'gateway_operation_duration_seconds',
  help: 'GraphQL operation latency',
  labelNames: ['operation', 'type'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const upstreamCalls = new Counter({
  name: 'gateway_upstream_calls_total',
  help: 'HTTP requests sent upstream, by upstream, method, route template and status (or error)',
  labelNames: ['upstream', 'method', 'route', 'status'] as const,
  registers: [registry],
});
const upstreamSeconds = new Histogram({
  name: 'gateway_upstream_call_duration_seconds',
  help: 'Upstream HTTP request latency',
  labelNames: ['upstream', 'method', 'route'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const uploadBytes = new Counter({
  name: 'gateway_upload_bytes_total',
  help: 'Bytes of uploaded documents and files, by source',
  labelNames: ['source'] as const,
  registers: [registry],
});
const batchSizes = new Histogram({
  name: 'gateway_dataloader_batch_size',
  help: 'Keys per DataLoader batch, by loader',
  labelNames: ['loader'] as const,
  buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
  registers: [registry],
});
const limitRefusals = new Counter({
  name: 'gateway_limit_refusals_total',
  help: 'Requests refused by a limit, by the limit (its environment variable or rule name)',
  labelNames: ['limit'] as const,
  registers: [registry],
});
const httpResponses = new Counter({
  name: 'gateway_http_responses_total',
  help: 'HTTP responses of the gateway by status code',
  labelNames: ['status'] as const,
  registers: [registry],
});
const redisUp = new Gauge({
  name: 'gateway_redis_up',
  help: '1 while the REDIS_URL connection is ready, 0 while it is lost (absent without REDIS_URL)',
  registers: [registry],
});
const sharedStateFallbacks = new Counter({
  name: 'gateway_shared_state_fallbacks_total',
  help: 'Times Redis could not be used and this instance fell back to its own state, by what (rate_limit, upload_state)',
  labelNames: ['what'] as const,
  registers: [registry],
});

/** With jobs on BullMQ: how many jobs wait and run on the shared queue, read when /metrics is scraped. */
let jobQueueCounts: (() => Promise<Record<string, number>>) | null = null;
/** A scrape never waits longer than this for Redis: the last values stay meanwhile. */
const QUEUE_COUNT_TIMEOUT_MS = 500;
new Gauge({
  name: 'gateway_job_queue_jobs',
  help: 'Jobs on the shared queue (REDIS_URL with JOBS_ENCRYPTION_KEY) by queue state: waiting, active, delayed (absent otherwise)',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    if (!jobQueueCounts) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), QUEUE_COUNT_TIMEOUT_MS)));
    const counts = await Promise.race([jobQueueCounts().catch(() => null), late]).finally(() => clearTimeout(timer));
    for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
  },
});
const jobTakeovers = new Counter({
  name: 'gateway_job_takeovers_total',
  help: 'Jobs this instance continued after the instance running them died or stopped (shared queue)',
  registers: [registry],
});

export function measureJobQueue(counts: () => Promise<Record<string, number>>): void {
  jobQueueCounts = counts;
}

export function recordJobTakeover(): void {
  jobTakeovers.inc();
}

/** Operation names are chosen by callers: keep at most this many distinct ones as labels. */
const MAX_OPERATION_NAMES = 200;
const seenOperations = new Set<string>();

export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(name);
  return name;
}

export type OperationOutcome = 'ok' | 'error' | 'refused';

export function recordOperation(name: string | null | undefined, type: string, outcome: OperationOutcome, seconds: number): void {
  const operation = operationLabel(name);
  operations.inc({ operation, type, outcome });
  operationSeconds.observe({ operation, type }, seconds);
}

/** `route` is a path template (see datasources/route-template.ts), never a path with ids. */
export function recordUpstreamCall(upstream: string, method: string, route: string, status: number | 'error', seconds: number): void {
  upstreamCalls.inc({ upstream, method, route, status: String(status) });
  upstreamSeconds.observe({ upstream, method, route }, seconds);
}

/** Bytes of a document or file a caller uploaded, for `source` ENCODE or GDC. */
export function recordUploadBytes(source: string, bytes: number): void {
  uploadBytes.inc({ source }, bytes);
}

/** One DataLoader batch of `size` keys; `loader` is a fixed name such as `encode.record`. */
export function recordBatch(loader: string, size: number): void {
  batchSizes.observe({ loader }, size);
}

/** A request refused by a limit; `limit` names it as the error does (e.g. MAX_UPSTREAM_CALLS). */
export function recordLimitRefusal(limit: string): void {
  limitRefusals.inc({ limit });
}

export function recordHttpResponse(status: number): void {
  httpResponses.inc({ status: String(status) });
}

export function recordRedisUp(up: boolean): void {
  redisUp.set(up ? 1 : 0);
}

/** Redis was unreachable and `what` used this instance's own state instead. */
export function recordSharedStateFallback(what: 'rate_limit' | 'upload_state'): void {
  sharedStateFallbacks.inc({ what });
}
