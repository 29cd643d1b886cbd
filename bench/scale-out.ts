/**
 * Scale-out (issue 17): lookup throughput of two gateway instances on one Redis behind a
 * round-robin TCP balancer against one instance behind the same balancer, each instance pinned to
 * a core of its own (taskset: A on core 0, B on core 1). Goal: two >= 1.8x one.
 *
 * Both instances run as in production (dist/src/server.js, NODE_ENV=production) with REDIS_URL and
 * JOBS_ENCRYPTION_KEY, and per-caller rate limits on (a limit never reached) so that every lookup
 * pays its shared counter in Redis, as a scaled-out deployment does. The upstream is the sandbox
 * behind a replaying proxy in its own process (bench/support/replay-child.ts): each lookup's GET
 * is answered from memory after the first, so the sandbox's emulation is not the bottleneck and
 * the gateways are what is measured. Rounds of one and of two are interleaved, so a shared
 * machine's drift hits both alike.
 *
 * With 4 cores or more, everything else (this process: the load and the balancer; the replay,
 * Redis, the sandbox) runs on cores 2 and up, and the throughput ratio is judged against the
 * goal. With fewer, the instances share their cores with all of that (and, here, with other
 * sessions), so throughput cannot show scale-out: the verdict is then on each instance's CPU per
 * lookup, alone and beside a second one (2 x alone / beside: what two dedicated cores would give),
 * which shows whether a second instance costs the first anything (only Redis is shared).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { type RunningSandbox, startSandbox } from '../src/sandbox';
import { kill, type RunningProcess, startGatewayProcess } from '../test/support/process';
import { type PrivateRedis, startPrivateRedis } from '../test/support/redis';
import { backendOf } from '../test/support/tcp-proxy';
import { BUILT_SERVER, START_NODE_FLAGS } from './support/built';
import { type Child, startChild } from './support/child';
import { processCpuMs } from './support/cpu';
import { lookups } from './support/lookups';

const LOOKUPS = 2_000;
/**
 * Lookups in flight per instance (connections the balancer alternates between them): each
 * instance is offered as much as the one alone, so both configurations are measured saturated.
 */
const CONCURRENCY = 16;
const ROUNDS = 5;
const GOAL = 1.8;

type Gateway = RunningProcess & { graphqlUrl: string; url: string };

/** Pins every thread of a running process to one core (threads it starts later inherit it). */
function pin(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

export async function runScaleOut(): Promise<void> {
  const cores = os.availableParallelism();
  // Children inherit this affinity: only the gateways are moved to cores 0 and 1.
  if (cores >= 4) execFileSync('taskset', ['-a', '-p', '-c', `2-${cores - 1}`, String(process.pid)], { stdio: 'ignore' });
  let sandbox: RunningSandbox | undefined;
  let redis: PrivateRedis | undefined;
  let replay: Child<{ urls: string[] }> | undefined;
  const gateways: Gateway[] = [];
  const balancers: Child<{ url: string }>[] = [];
  try {
    [sandbox, redis] = await Promise.all([startSandbox({}), startPrivateRedis()]);
    replay = await startChild<{ urls: string[] }>('replay-child.ts', { upstreams: [sandbox.encode!.url, sandbox.gdc!.url] });
    const env = {
      NODE_ENV: 'production',
      ENCODE_URL: replay.info.urls[0],
      GDC_URL: replay.info.urls[1],
      REDIS_URL: redis.url,
      JOBS_ENCRYPTION_KEY: '56'.repeat(32),
      RATE_LIMIT_REQUESTS: '1000000000',
      ACCESS_LOG: 'off',
    };
    for (const core of [0, 1]) {
      const gw = await startGatewayProcess(env, START_NODE_FLAGS, BUILT_SERVER);
      gateways.push(gw);
      pin(gw.child.pid!, core);
    }
    // Each balancer in a process of its own (bench/support/balancer-child.ts), apart from the load.
    const balancer = async (of: Gateway[]) => {
      const child = await startChild<{ url: string }>('balancer-child.ts', { backends: of.map((g) => backendOf(g.url)) });
      balancers.push(child);
      return { url: child.info.url, instances: of.length };
    };
    const one = await balancer(gateways.slice(0, 1));
    const two = await balancer(gateways);

    const cpu = () => gateways.map((g) => processCpuMs(g.child.pid!) ?? NaN);
    const round = async (balancer: { url: string; instances: number }) => {
      const before = cpu();
      const started = performance.now();
      await lookups(`${balancer.url}/graphql`, LOOKUPS, CONCURRENCY * balancer.instances);
      const ms = performance.now() - started;
      return { perSec: (LOOKUPS / ms) * 1000, cpuMs: cpu().map((c, i) => c - before[i]) };
    };
    // Warm-up: every lookup's answer is in the replay's memory, both instances' code is hot.
    await round(two);
    await round(one);
    const ones: Awaited<ReturnType<typeof round>>[] = [];
    const twos: Awaited<ReturnType<typeof round>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2) twos.push(await round(two)), ones.push(await round(one));
      else ones.push(await round(one)), twos.push(await round(two));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const oneRate = median(ones.map((r) => r.perSec));
    const twoRate = median(twos.map((r) => r.perSec));
    // CPU per lookup over all rounds (a sum, steadier than a median of per-round ratios on a busy
    // machine): A alone; A and B together, and each (it served half the lookups).
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const served = ROUNDS * LOOKUPS;
    const perInstanceUs = [0, 1].map((i) => (sum(twos.map((r) => r.cpuMs[i])) / (served / 2)) * 1000);
    const oneCpu = (sum(ones.map((r) => r.cpuMs[0])) / served) * 1000;
    const twoCpu = (perInstanceUs[0] + perInstanceUs[1]) / 2;
    const perInstance = perInstanceUs.map((us) => us.toFixed(0));
    const ratio = twoRate / oneRate;
    // Two dedicated cores serve 2 / twoCpu lookups per µs, one serves 1 / oneCpu.
    const projected = (2 * oneCpu) / twoCpu;
    const verdict = (x: number) => (x >= GOAL ? 'ok' : 'BELOW GOAL');
    console.log(`\nscale-out: ${LOOKUPS} encodeRecord lookups, ${CONCURRENCY} in flight per instance through a round-robin TCP balancer (a process of its own), median of ${ROUNDS} interleaved rounds; instances on one Redis (rate-limit counters), pinned to core 0 / core 1; upstream replayed from memory`);
    console.log(`  one instance    ${oneRate.toFixed(0)} lookups/s  (${oneCpu.toFixed(0)} µs of gateway CPU per lookup)`);
    console.log(`  two instances   ${twoRate.toFixed(0)} lookups/s  (${twoCpu.toFixed(0)} µs of gateway CPU per lookup: A ${perInstance[0]}, B ${perInstance[1]})`);
    if (cores >= 4) {
      console.log(`  ${ratio.toFixed(2)}x one instance's throughput (goal >= ${GOAL}x): ${verdict(ratio)}; CPU per lookup says ${projected.toFixed(2)}x`);
    } else {
      console.log(`  ${ratio.toFixed(2)}x one instance's throughput, not judged: ${cores} cores, which the two instances share with the load, the balancer, the replay and Redis`);
      console.log(`  ${projected.toFixed(2)}x by CPU per lookup (2 x alone / beside a second instance: two dedicated cores) (goal >= ${GOAL}x): ${verdict(projected)}`);
    }
  } finally {
    for (const b of balancers) await b.stop();
    for (const g of gateways) {
      kill(g);
      await g.exited;
    }
    await replay?.stop();
    await Promise.all([redis?.stop(), sandbox?.stop()]);
  }
}
