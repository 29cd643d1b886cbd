import { readdirSync } from 'node:fs';
import path from 'node:path';
import { formatReport, type HostileCase, startHostileGateway } from '../test/support/hostile';

const CASES_DIR = path.join(__dirname, '..', 'test', 'hostile', 'cases');

/** Every case in test/hostile/cases, grouped by gateway environment (one gateway process per group). */
async function loadCases(): Promise<Map<string, HostileCase[]>> {
  const groups = new Map<string, HostileCase[]>();
  for (const file of readdirSync(CASES_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(path.join(CASES_DIR, file))) as { cases?: HostileCase[] };
    for (const c of mod.cases ?? []) {
      const key = JSON.stringify(c.env ?? {});
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
  }
  return groups;
}

/**
 * `npm run bench -- hostile`: for each hostile case, the time to its refusal, the gateway's RSS
 * peak and growth after a full GC, and the worst stall another caller saw meanwhile.
 */
export async function runHostile(): Promise<void> {
  console.log('\nhostile: one gateway per environment, another caller probing every 20 ms');
  for (const [env, cases] of await loadCases()) {
    const gateway = await startHostileGateway(JSON.parse(env) as Record<string, string>);
    try {
      for (const c of cases) console.log(formatReport(await gateway.run(c)));
    } finally {
      await gateway.stop();
    }
  }
}
