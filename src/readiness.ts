import type { UpstreamPool } from './datasources/http';
import type { Lifecycle } from './lifecycle';

/** One condition for serving traffic; throws (with a short reason) while it does not hold. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /** A local, cheap check (a child process's state): run on every probe, never served from the cache. */
  live?: boolean;
}

export interface ReadinessReport {
  status: 'ready' | 'starting' | 'stopping' | 'unready';
  checks: Record<string, string>;
}

/** Probe results are kept this long, so frequent probes cost the upstreams little. */
const CACHE_MS = 5_000;
const PROBE_TIMEOUT_MS = 3_000;

/**
 * What GET /readyz answers: 503 while starting or stopping, or while a check fails (an upstream
 * unreachable, a schema not loaded). Others add checks with `add` (e.g. a generated schema).
 */
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];
  private cached: { at: number; report: Promise<Record<string, string>> } | null = null;

  constructor(private readonly lifecycle: Lifecycle) {}

  add(check: ReadinessCheck): void {
    this.checks.push(check);
    this.cached = null;
  }

  async report(): Promise<ReadinessReport> {
    if (this.lifecycle.state !== 'ready') return { status: this.lifecycle.state, checks: {} };
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) this.cached = { at: Date.now(), report: this.run(this.checks.filter((c) => !c.live)) };
    const checks = { ...(await this.cached.report), ...(await this.run(this.checks.filter((c) => c.live))) };
    if (this.lifecycle.state !== 'ready') return { status: this.lifecycle.state, checks };
    return { status: Object.values(checks).every((v) => v === 'ok') ? 'ready' : 'unready', checks };
  }

  private async run(checks: ReadinessCheck[]): Promise<Record<string, string>> {
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          await c.check();
          return [c.name, 'ok'] as const;
        } catch (err) {
          return [c.name, (err as Error).message] as const;
        }
      }),
    );
    return Object.fromEntries(results);
  }
}

/** An upstream is reachable when a small public GET answers with anything but a 5xx. */
export function upstreamReachable(pool: UpstreamPool, path: string): ReadinessCheck {
  return {
    name: pool.name,
    async check() {
      // Only the reason: /readyz is public, the upstream's address stays out of it.
      const res = await pool.request({ method: 'GET', path, headers: { accept: 'application/json' }, timeoutMs: PROBE_TIMEOUT_MS }).catch((err) => {
        throw new Error(`unreachable (${(err as { extensions?: { reason?: string } }).extensions?.reason ?? 'error'})`);
      });
      if (res.status >= 500) throw new Error(`answered ${res.status}`);
    },
  };
}
