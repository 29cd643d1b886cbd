/**
 * The per-caller rate-limit step (issue 17): what one check adds to a request, p50 over 20,000
 * checks of 100 callers against an unlimited step (the baseline). Budget: < 0.1 ms p50.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { rateLimitStep } from '../src/http/rate-limit';

const N = 20_000;

async function p50(step: ReturnType<typeof rateLimitStep>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const req = { headers: { authorization: `Bearer caller-${i % 100}` }, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
    const res = { locals: { authenticated: true } } as unknown as ServerResponse & { locals: Record<string, unknown> };
    const started = performance.now();
    await new Promise<void>((resolve, reject) => step(req, res, (err) => (err ? reject(err) : resolve())));
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[N >> 1];
}

export async function runRateLimit(): Promise<void> {
  console.log('\nrate-limit: one per-caller check (memory store), p50 over 20,000 requests of 100 callers');
  const off = await p50(rateLimitStep({ requests: 0, upstreamCalls: 0, windowSeconds: 60 }));
  const on = await p50(rateLimitStep({ requests: 1_000_000, upstreamCalls: 0, windowSeconds: 60 }));
  const added = on - off;
  console.log(`  off ${(off * 1000).toFixed(1)} µs  on ${(on * 1000).toFixed(1)} µs  added ${(added * 1000).toFixed(1)} µs p50 (budget 100 µs): ${added < 0.1 ? 'ok' : 'OVER BUDGET'}`);
}
