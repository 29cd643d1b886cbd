import { type LoadReport, runLoad } from './load';

/** `npm run bench:load [seconds] [clients]`: prints the figures and fails when a guarantee does not hold. */
export function verdict(r: LoadReport): string[] {
  const failures: string[] = [];
  if (r.status5xx) failures.push(`${r.status5xx} answers with status 5xx`);
  if (r.errors) failures.push(`${r.errors} connection errors or timeouts`);
  if (r.lost) failures.push(`${r.lost} writes answered success but not upstream`);
  if (r.duplicated) failures.push(`${r.duplicated} writes upstream more than once`);
  if (r.unreported) failures.push(`${r.unreported} writes landed but were answered as failed`);
  if (r.rssAfterMb > 1.5 * r.rssBeforeMb) failures.push(`RSS grew from ${r.rssBeforeMb.toFixed(0)} to ${r.rssAfterMb.toFixed(0)} MB (> 1.5x)`);
  return failures;
}

async function main(): Promise<void> {
  const durationS = Number(process.argv[2] ?? 30);
  const connections = Number(process.argv[3] ?? 100);
  const r = await runLoad({ durationS, connections });
  console.log(`load: ${connections} clients x ${durationS} s, reads and writes (3:1), gateway process on the sandbox`);
  console.log(`  requests ${r.requests} (${r.rps.toFixed(0)}/s), latency p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms`);
  console.log(`  5xx ${r.status5xx}, other non-2xx ${r.non2xx - r.status5xx}, connection errors/timeouts ${r.errors}`);
  console.log(`  writes ${r.writesAnswered} (success ${r.writesSucceeded}), records upstream ${r.recordsFound}: lost ${r.lost}, duplicated ${r.duplicated}, landed but answered as failed ${r.unreported}; ${r.cutOff} unanswered when the run ended`);
  console.log(`  gateway RSS after a full GC: ${r.rssBeforeMb.toFixed(0)} MB before, ${r.rssAfterMb.toFixed(0)} MB after (ratio ${(r.rssAfterMb / r.rssBeforeMb).toFixed(2)}, limit 1.5); V8 heap in use ${r.heapBeforeMb.toFixed(0)} -> ${r.heapAfterMb.toFixed(0)} MB`);
  const failures = verdict(r);
  for (const f of failures) console.log(`  FAIL: ${f}`);
  process.exit(failures.length ? 1 : 0);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
