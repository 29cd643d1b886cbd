import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { kill, ROOT, type RunningProcess, startGatewayProcess } from './process';
import { startProber } from './prober';

/**
 * The hostile-input harness (issue 18): one gateway process per environment, each attack run
 * against it while another caller asks `{ gatewayInfo { version } }` every 20 ms from its own
 * process; then what the attack saw, how long the refusal took, the gateway's RSS peak during the
 * attack, its RSS growth over idle after a full garbage collection, the other caller's worst and
 * p99 latency, and whether the gateway still answers. Used by test/measure/hostile-*.test.ts
 * (assertions) and `npm run bench -- hostile` (figures).
 */
export interface HostileCase {
  /** Short, unique: what the bench prints. */
  name: string;
  /** Gateway environment on top of the harness's own (production mode on loopback). */
  env?: Record<string, string>;
  /**
   * Sends the hostile request(s). Resolves with what the caller saw: the HTTP status and, for
   * GraphQL answers, the first error's `extensions.code` (and `limit` when it names one).
   */
  attack(gateway: HostileTarget): Promise<AttackOutcome>;
  /**
   * Sent before the measure starts: what a gateway in use has already done (the modules of the
   * path loaded, pools connected), so the measure is the attack's cost, not the first request's.
   */
  warmUp?(gateway: HostileTarget): Promise<unknown>;
}

export interface HostileTarget {
  /** http://127.0.0.1:PORT */
  url: string;
  graphqlUrl: string;
  /** The gateway's process id (for cases that read its CPU time from /proc). */
  pid?: number;
}

export interface AttackOutcome {
  status?: number;
  code?: string;
  limit?: string;
  /** Anything else the case wants to assert on. */
  detail?: unknown;
}

export interface HostileReport {
  name: string;
  outcome: AttackOutcome;
  /** From the first byte sent to the answer. */
  msToRefusal: number;
  /** Highest RSS during the attack (VmHWM after resetting it), MB. */
  rssPeakMb: number;
  /** RSS after a full GC, after the attack, minus the same before it, MB. */
  rssGrowthMb: number;
  /** The concurrent caller's latency while the attack ran. */
  probe: { count: number; p99Ms: number; worstMs: number };
  /** `/healthz` still answers 200 afterwards. */
  alive: boolean;
}

export interface HostileGateway extends HostileTarget {
  proc: RunningProcess;
  pid: number;
  run(c: HostileCase): Promise<HostileReport>;
  stop(): Promise<void>;
}

const GC_PRELOAD = path.join(ROOT, 'bench', 'support', 'gc-on-signal.cjs');

function readStatusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
}

/** RSS in MB after a full garbage collection in the gateway (SIGUSR2, see gc-on-signal.cjs). */
async function rssAfterGc(proc: RunningProcess, pid: number): Promise<number> {
  for (let i = 0; i < 2; i++) {
    proc.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 300));
  }
  return readStatusKb(pid, 'VmRSS') / 1024;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Starts a gateway for hostile cases: production mode, loopback, the given environment (e.g.
 * ENCODE_URL/GDC_URL of a sandbox in its own process; none = the embedded sandbox).
 */
export async function startHostileGateway(env: Record<string, string> = {}): Promise<HostileGateway> {
  // BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=DIR") to profile the gateway under an attack.
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const proc = await startGatewayProcess({ NODE_ENV: 'production', ...env }, [...flags, '--expose-gc', '--require', GC_PRELOAD]);
  const pid = proc.child.pid!;
  const target = { url: proc.url, graphqlUrl: proc.graphqlUrl, pid };
  const alive = async () => {
    try {
      const res = await request(`${proc.url}/healthz`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
      await res.body.text();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  };
  return {
    ...target,
    proc,
    pid,
    async run(c) {
      await c.warmUp?.(target);
      const idle = await rssAfterGc(proc, pid);
      // Resets VmHWM to the current RSS (Linux >= 4.0), so the peak is this attack's.
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      // The other caller is a legitimate one: with GATEWAY_API_KEYS, it brings the first key.
      const key = env.GATEWAY_API_KEYS?.split(',')[0]?.trim();
      const prober = startProber(proc.graphqlUrl, 20, key ? { authorization: `Bearer ${key}` } : {});
      // Let the prober connect and warm up before the attack begins: on a busy machine starting its
      // process alone can outlast a short attack, which then had no probe to count.
      await Promise.race([prober.ready, new Promise((r) => setTimeout(r, 30_000))]);
      await new Promise((r) => setTimeout(r, 100));
      const from = Date.now();
      const started = performance.now();
      const outcome = await c.attack(target);
      const msToRefusal = performance.now() - started;
      const until = Date.now();
      const rssPeakMb = readStatusKb(pid, 'VmHWM') / 1024;
      const probes = await prober.stop();
      // Probes sent while the attack ran (one sent just before counts: its answer waited on it too).
      const sorted = probes.filter((p) => p.at >= from - 20 && p.at <= until).map((p) => p.ms).sort((a, b) => a - b);
      const after = await rssAfterGc(proc, pid);
      return {
        name: c.name,
        outcome,
        msToRefusal,
        rssPeakMb,
        rssGrowthMb: after - idle,
        probe: { count: sorted.length, p99Ms: percentile(sorted, 99), worstMs: sorted.at(-1) ?? NaN },
        alive: await alive(),
      };
    },
    stop: async () => {
      // A profiled gateway writes its profile on a clean exit only: asked to stop, killed if it does not.
      if (flags.length) {
        proc.child.kill('SIGTERM');
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 15_000))]);
      }
      kill(proc);
      await proc.exited;
    },
  };
}

/** POSTs a GraphQL body and reads what a refusal says: status, first error's code and limit. */
export async function postGraphql(graphqlUrl: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<AttackOutcome> {
  const res = await request(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const text = await res.body.text();
  let code: string | undefined;
  let limit: string | undefined;
  try {
    const json = JSON.parse(text) as { errors?: { extensions?: { code?: string; limit?: string } }[] };
    code = json.errors?.[0]?.extensions?.code;
    limit = json.errors?.[0]?.extensions?.limit;
  } catch {
    // not JSON: the status says it
  }
  return { status: res.statusCode, code, limit, detail: text.length > 500 ? `${text.slice(0, 500)}…` : text };
}

/** Prints one line per report, as `npm run bench -- hostile` does. */
export function formatReport(r: HostileReport): string {
  const o = r.outcome;
  return [
    r.name.padEnd(36),
    `${String(o.status ?? '-')} ${o.code ?? ''}${o.limit ? `(${o.limit})` : ''}`.padEnd(40),
    `refused in ${r.msToRefusal.toFixed(0).padStart(6)} ms`,
    `RSS peak ${r.rssPeakMb.toFixed(0).padStart(5)} MB`,
    `growth ${r.rssGrowthMb.toFixed(0).padStart(4)} MB`,
    `other caller p99 ${r.probe.p99Ms.toFixed(1).padStart(6)} ms worst ${r.probe.worstMs.toFixed(1).padStart(6)} ms (${r.probe.count})`,
    r.alive ? 'alive' : 'DEAD',
  ].join('  ');
}
