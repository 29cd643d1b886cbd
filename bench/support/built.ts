/**
 * Benchmarks measure the product as users run it: compiled into dist/ by `npm run build` and run on
 * plain node, as `npm start` does, not from src/ through tsx. tsx's transform keeps function names
 * by calling a `__name` helper each time a named closure is made, and its code is not the code that
 * ships: on the lookup bench the gateway under tsx used 10-20% more CPU per request.
 * Bench helpers that are not the product (proxies, replays, balancers) still run through tsx.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes';

// The gateway's entry and the node flags `npm start` gives it: benches run it the same way.
export { BUILT_SERVER, START_NODE_FLAGS } from '../../test/support/start-command';

/** The sandbox's entry as `npm run sandbox` runs it. */
export const BUILT_SANDBOX = 'dist/src/sandbox/main.js';

/** Compiles dist/ when a source is newer than its last build (scripts/build-if-stale.js, what `npm start` runs first). */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.js')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** A module of the build, typed as its source: `built<typeof import('../../src/gateway')>('src/gateway')`. */
export function built<T>(modulePath: string): T {
  const file = path.join(ROOT, 'dist', modulePath);
  // A file (src/gateway.js) or a folder's index (src/sandbox/index.js), as require finds them.
  if (!fs.existsSync(`${file}.js`) && !fs.existsSync(path.join(file, 'index.js'))) {
    throw new Error(`bench: dist/${modulePath} is missing: bench/run.ts builds dist/ first (npm run build)`);
  }
  return require(file) as T;
}
