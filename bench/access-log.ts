/**
 * ACCESS_LOG cost: lookup throughput with the access line on (`all`, JSON to /dev/null, so the
 * serialisation and write are paid) against `off`, two gateways on the same sandbox in the same
 * run, rounds interleaved so machine noise hits both alike. Goal: under 5% fewer lookups.
 */
import pino from 'pino';
import { startGateway } from '../src/gateway';
import { startStack } from '../test/support/stack';
import { lookups } from './support/lookups';
import { medianMs } from './support/timing';

const LOOKUPS = 200;
const CONCURRENCY = 8;
const ROUNDS = 7;

export async function runAccessLog(): Promise<void> {
  const toNull = () => pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const stack = await startStack({}, { logger: toNull(), accessLog: 'off' });
  const on = await startGateway({
    encodeUrl: stack.sandbox.encode!.url,
    gdcUrl: stack.sandbox.gdc!.url,
    sandbox: { encode: true, gdc: true },
    defaults: { encode: stack.sandbox.encode!.credentials, gdcToken: stack.sandbox.gdc!.token },
    logger: toNull(),
    accessLog: 'all',
  });
  try {
    const off: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Which goes first alternates: a round's first runner meets a different machine than its second.
      const runOff = async () => off.push(await medianMs(1, () => lookups(stack.gateway.graphqlUrl, LOOKUPS, CONCURRENCY)));
      const runAll = async () => all.push(await medianMs(1, () => lookups(on.graphqlUrl, LOOKUPS, CONCURRENCY)));
      if (i % 2) await runAll().then(runOff);
      else await runOff().then(runAll);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const perSec = (ms: number) => (LOOKUPS / ms) * 1000;
    const offRate = perSec(median(off));
    const onRate = perSec(median(all));
    console.log(`\naccess-log: ${LOOKUPS} encodeRecord lookups, ${CONCURRENCY} at a time, median of ${ROUNDS} interleaved rounds`);
    console.log(`  ACCESS_LOG=off  ${offRate.toFixed(0)} lookups/s`);
    console.log(`  ACCESS_LOG=all  ${onRate.toFixed(0)} lookups/s  (${(((offRate - onRate) / offRate) * 100).toFixed(1)}% fewer; goal < 5%)`);
  } finally {
    await on.stop();
    await stack.stop();
  }
}
