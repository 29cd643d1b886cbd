/**
 * Tracing cost (issue 17): lookup throughput of a gateway exporting a span per operation and per
 * upstream call (OTLP/HTTP to a local receiver that accepts and drops them) against one without a
 * tracer (OTEL_EXPORTER_OTLP_ENDPOINT unset: the step is a bare next()), two gateways on the same
 * sandbox in the same run, rounds interleaved so machine noise hits both alike. Goal: < 10% fewer.
 */
import http from 'node:http';
import pino from 'pino';
import { startGateway } from '../src/gateway';
import { otelTracer } from '../src/plugins/otel';
import { startStack } from '../test/support/stack';
import { lookups } from './support/lookups';
import { medianMs } from './support/timing';

const LOOKUPS = 200;
const CONCURRENCY = 8;
const ROUNDS = 7;

export async function runTracing(): Promise<void> {
  let spansBytes = 0;
  const receiver = http.createServer((req, res) => {
    req.on('data', (d: Buffer) => (spansBytes += d.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const tracer = otelTracer({ endpoint, serviceName: 'bench', version: 'bench' });
  const silent = pino({ level: 'silent' });
  const stack = await startStack({}, { logger: silent, accessLog: 'off' });
  const traced = await startGateway({
    encodeUrl: stack.sandbox.encode!.url,
    gdcUrl: stack.sandbox.gdc!.url,
    sandbox: { encode: true, gdc: true },
    defaults: { encode: stack.sandbox.encode!.credentials, gdcToken: stack.sandbox.gdc!.token },
    logger: silent,
    accessLog: 'off',
    tracer,
  });
  try {
    const off: number[] = [];
    const on: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const runOff = async () => off.push(await medianMs(1, () => lookups(stack.gateway.graphqlUrl, LOOKUPS, CONCURRENCY)));
      const runOn = async () => on.push(await medianMs(1, () => lookups(traced.graphqlUrl, LOOKUPS, CONCURRENCY)));
      if (i % 2) await runOn().then(runOff);
      else await runOff().then(runOn);
    }
    await tracer.shutdown();
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const perSec = (ms: number) => (LOOKUPS / ms) * 1000;
    const offRate = perSec(median(off));
    const onRate = perSec(median(on));
    console.log(`\ntracing: ${LOOKUPS} encodeRecord lookups, ${CONCURRENCY} at a time, median of ${ROUNDS} interleaved rounds`);
    console.log(`  no tracer       ${offRate.toFixed(0)} lookups/s`);
    console.log(`  OTLP tracing    ${onRate.toFixed(0)} lookups/s  (${(((offRate - onRate) / offRate) * 100).toFixed(1)}% fewer; goal < 10%; ${(spansBytes / 1024).toFixed(0)} KiB of spans exported)`);
  } finally {
    await traced.stop();
    await stack.stop();
    await new Promise((resolve) => receiver.close(resolve));
  }
}
