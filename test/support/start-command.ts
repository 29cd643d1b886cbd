import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** package.json's start script, as written. */
export const START_SCRIPT = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;

/** The gateway's entry as `npm start` runs it (relative to the project root). */
export const BUILT_SERVER = 'dist/src/server.js';

/**
 * The node flags `npm start` gives the gateway (package.json's start script, which the Dockerfile's
 * CMD repeats: test/unit/start-command.test.ts). Benches and gateway processes in tests run it with
 * the same, so what they measure is what users run.
 */
export const START_NODE_FLAGS: string[] = (() => {
  const flags = /^node((?: --\S+)*) dist\/src\/server\.js$/.exec(START_SCRIPT);
  if (!flags) throw new Error(`package.json's start script is not "node [flags] ${BUILT_SERVER}": ${START_SCRIPT}`);
  return flags[1].trim().split(' ').filter(Boolean);
})();
