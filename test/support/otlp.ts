import http from 'node:http';

/** A span as OTLP/HTTP JSON carries it (ids in hex). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string }[];
}

/** An OpenTelemetry collector in the test's process: OTLP/HTTP JSON at /v1/traces, every span kept in `spans`. */
export interface OtlpReceiver {
  url: string;
  spans: OtlpSpan[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A span attribute's value (string or integer), as the gateway set it. */
export function attr(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v ? ((v.stringValue ?? v.boolValue ?? Number(v.intValue)) as string | number | boolean) : undefined;
}

/** Waits until `found` returns something from the spans received, or fails after `timeoutMs`. */
export async function waitForSpans<T>(found: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; ; ) {
    const got = found();
    if (got) return got;
    if (Date.now() > end) throw new Error('the spans expected were not exported in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
