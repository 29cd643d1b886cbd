import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Tracing as the request path sees it, with nothing of OpenTelemetry in it: src/plugins/otel.ts
 * implements it, and src/server.ts loads that module only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Without it there is no Tracer, the step below is a plain next(), and nothing else is done.
 */
export interface Tracer {
  /** A span for one GraphQL request, child of the caller's traceparent/tracestate when it sent them. */
  startOperation(headers: IncomingHttpHeaders): OperationTrace;
  /**
   * A span for one run of a job: child of the operation that started it (`from`, that operation's
   * W3C headers kept with the job), or, for a run that resumes a job (a restart, another instance,
   * resumeJob), a span of a new trace linked to it: the starting operation ended long ago.
   */
  startJob(job: { id: string; kind: string; source: string; from: Record<string, string> | null; resumed: boolean }): JobTrace;
  /** Sends what is buffered (at shutdown). */
  shutdown(): Promise<void>;
}

/** What upstream calls are traced under: an operation (a request) or a job's run. */
export interface SpanParent {
  readonly traceId: string;
  /** A child span for one upstream call (its retries and redirects included). */
  upstream(call: { upstream: string; method: string; route: string }): UpstreamTrace;
}

export interface OperationTrace extends SpanParent {
  /** traceparent/tracestate naming this operation's span: kept with a job it starts (JobSpec.trace). */
  propagation(): Record<string, string>;
  /** Once the operation is known (finishOperation, on both execution paths). */
  describe(operation: { name: string | null; type: string; hash: string | null; errors: number }): void;
  /** At the end of the response. */
  end(status: number): void;
}

/** How a job's run ended: its state (RUNNING when it stopped to be continued) and counts. */
export interface JobRunEnd {
  state: string;
  total: number | null;
  done: number;
  succeeded: number;
  failed: number;
}

export interface JobTrace extends SpanParent {
  end(outcome: JobRunEnd): void;
}

export interface UpstreamTrace {
  /** traceparent and tracestate naming this call's span, for the upstream request. */
  readonly headers: Record<string, string>;
  /** Each HTTP attempt sent (the first, retries, redirect hops). */
  attempt(): void;
  end(status: number | 'error'): void;
}

/** What the step leaves in res.locals: the request's operation span. */
export interface TracingLocals {
  trace?: OperationTrace;
}

/**
 * The front-door step both execution paths run (src/app.ts): opens the operation's span and ends
 * it when the response is done. finishOperation names it; UpstreamCalls opens its children.
 */
export function tracingStep(tracer: Tracer | null) {
  return (req: IncomingMessage, res: ServerResponse & { locals: Record<string, unknown> & TracingLocals }, next: (err?: unknown) => void) => {
    if (!tracer) return next();
    const trace = tracer.startOperation(req.headers);
    res.locals.trace = trace;
    res.once('close', () => trace.end(res.statusCode));
    // Everything the request goes on to do (and log) runs in its trace's scope: see logTraceIds.
    traceScope.run({ traceId: trace.traceId }, next);
  };
}

/**
 * The trace id of the request whose work is running, for log lines. Entered only when tracing is
 * on: without a tracer no AsyncLocalStorage is ever entered, so Node runs no context tracking.
 * What continues in an event emitter's callback rather than a promise's (a request body's end)
 * is bound to the request's scope where it is read (src/http/request-body.ts).
 */
export const traceScope = new AsyncLocalStorage<{ traceId: string }>();

/** pino's `mixin` for a process that traces: the running request's traceId on every line it logs. */
export function logTraceIds(): Record<string, string> {
  return traceScope.getStore() ?? {};
}
