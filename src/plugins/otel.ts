import type { IncomingHttpHeaders } from 'node:http';
import { type Context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { JobTrace, OperationTrace, Tracer, UpstreamTrace } from './tracing';

/**
 * OpenTelemetry behind src/plugins/tracing.ts's Tracer: spans exported over OTLP/HTTP (JSON) in
 * batches (OTEL_BSP_* tune them), W3C trace context from callers and to upstreams. Loaded by
 * src/server.ts only when OTEL_EXPORTER_OTLP_ENDPOINT is set. The provider is not registered
 * globally: spans are parented explicitly, so no context manager runs on every async hop.
 */
export function otelTracer(options: { endpoint: string; serviceName: string; version: string }): Tracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }))],
  });
  const tracer = provider.getTracer('submission-gateway', options.version);
  const propagator = new W3CTraceContextPropagator();
  return {
    startOperation(headers: IncomingHttpHeaders): OperationTrace {
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan('GraphQL operation', { kind: SpanKind.SERVER }, parent);
      return operationTrace(span, trace.setSpan(parent, span));
    },
    startJob({ id, kind, source, from, resumed }): JobTrace {
      const starter = from ? propagator.extract(ROOT_CONTEXT, from, defaultTextMapGetter) : ROOT_CONTEXT;
      const starterSpan = trace.getSpanContext(starter);
      const attributes = { 'job.id': id, 'job.kind': kind, 'job.source': source, 'job.resumed': resumed };
      const span =
        resumed || !starterSpan
          ? tracer.startSpan(`job ${kind}`, { kind: SpanKind.CONSUMER, attributes, root: true, links: starterSpan ? [{ context: starterSpan }] : [] }, ROOT_CONTEXT)
          : tracer.startSpan(`job ${kind}`, { kind: SpanKind.CONSUMER, attributes }, starter);
      const context = trace.setSpan(ROOT_CONTEXT, span);
      return {
        traceId: span.spanContext().traceId,
        upstream: (call) => upstreamTrace(call, context),
        end({ state, total, done, succeeded, failed }) {
          span.setAttributes({ 'job.state': state, 'job.done': done, 'job.succeeded': succeeded, 'job.failed': failed });
          if (total !== null) span.setAttribute('job.rows', total);
          if (state === 'FAILED') span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    shutdown: () => provider.shutdown(),
  };

  function operationTrace(span: Span, context: Context): OperationTrace {
    return {
      traceId: span.spanContext().traceId,
      propagation() {
        const headers: Record<string, string> = {};
        propagator.inject(context, headers, defaultTextMapSetter);
        return headers;
      },
      describe({ name, type, hash, errors }) {
        span.updateName(`${type} ${name ?? 'anonymous'}`);
        span.setAttribute('graphql.operation.type', type);
        if (name) span.setAttribute('graphql.operation.name', name);
        if (hash) span.setAttribute('graphql.document.hash', hash);
        if (errors) span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors} error(s)` });
      },
      upstream: (call) => upstreamTrace(call, context),
      end(status) {
        span.setAttribute('http.response.status_code', status);
        span.end();
      },
    };
  }

  function upstreamTrace(call: { upstream: string; method: string; route: string }, parent: Context): UpstreamTrace {
    const span = tracer.startSpan(
      `${call.method} ${call.route}`,
      { kind: SpanKind.CLIENT, attributes: { 'upstream.name': call.upstream, 'http.request.method': call.method, 'http.route': call.route } },
      parent,
    );
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
    let attempts = 0;
    return {
      headers,
      attempt: () => void attempts++,
      end(status) {
        span.setAttribute('http.request.resend_count', Math.max(0, attempts - 1));
        if (status === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: 'no answer' });
        else {
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  }
}
