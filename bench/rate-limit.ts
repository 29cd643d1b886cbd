/**
 * The per-caller rate-limit step (issue 17): what one check adds to a request, p50 over 20,000
 * checks of 100 callers against an unlimited step (the baseline). Budget: < 0.1 ms p50.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { rateLimitStep } from '../src/http/rate-limit';
import { connectRedis } from '../src/redis';
import { startPrivateRedis } from '../test/support/redis';

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

  // REDIS_URL: the same check against a private redis-server on loopback (one round trip), both limits on.
  const server = await startPrivateRedis();
  const redis = await connectRedis(server.url, pino({ level: 'silent' }));
  try {
    const shared = await p50(rateLimitStep({ requests: 1_000_000, upstreamCalls: 1_000_000, windowSeconds: 60 }, redis));
    const sharedAdded = shared - off;
    // The floor any shared counter pays: one bare round trip to the same Redis.
    const pings: number[] = [];
    for (let i = 0; i < N; i++) {
      const started = performance.now();
      await redis.ping();
      pings.push(performance.now() - started);
    }
    const ping = pings.sort((a, b) => a - b)[N >> 1];
    console.log(
      `  redis ${(shared * 1000).toFixed(1)} µs  added ${(sharedAdded * 1000).toFixed(1)} µs p50 (budget 100 µs): ${sharedAdded < 0.1 ? 'ok' : 'OVER BUDGET'}; ` +
        `a bare PING round trip is ${(ping * 1000).toFixed(1)} µs p50 (${(shared / ping).toFixed(2)}× it)`,
    );
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

