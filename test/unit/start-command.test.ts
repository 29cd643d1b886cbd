import fs from 'node:fs';
import path from 'node:path';
import { START_SCRIPT } from '../support/start-command';

/**
 * `npm start` and the Docker image run the gateway the same way: the same node flags (`--heap-growing-percent`: see the README's Development section)
 * on the same entry. Benchmarks and gateway processes in tests take the flags from the same script
 * (test/support/start-command.ts), so all stay one command.
 */
const ROOT = path.resolve(__dirname, '..', '..');

it('runs the gateway with the same node command in package.json and the Dockerfile', () => {
  const start = START_SCRIPT;
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const cmds = [...dockerfile.matchAll(/^CMD (\[.*\])$/gm)].map((m) => (JSON.parse(m[1]) as string[]).join(' '));
  expect(cmds.length).toBeGreaterThan(0);
  for (const cmd of cmds) expect(cmd).toBe(start);
  expect(start).toMatch(/^node( --\S+)* dist\/src\/server\.js$/);
});
