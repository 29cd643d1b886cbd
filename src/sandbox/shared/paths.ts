import fs from 'node:fs';
import path from 'node:path';

/** The package root, found from this file whether it runs from src/ (ts) or dist/src/ (built). */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** Built-in starter data (profiles, dictionary, seed records) ships as plain files under src/sandbox/starter. */
export function starterPath(...parts: string[]): string {
  return path.join(packageRoot(), 'src', 'sandbox', 'starter', ...parts);
}

/** The shared reference folder (real ENCODE profiles, GDC dictionary), beside the checkout in CI. */
export function referencePath(...parts: string[]): string {
  return path.resolve(packageRoot(), '..', 'shared', 'reference', ...parts);
}
