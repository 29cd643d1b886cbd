import path from 'node:path';
import { packageRoot } from '../../paths';

export { packageRoot };

/** Built-in starter data (profiles, dictionary, seed records) ships as plain files under src/sandbox/starter. */
export function starterPath(...parts: string[]): string {
  return path.join(packageRoot(), 'src', 'sandbox', 'starter', ...parts);
}

/** The shared reference folder (real ENCODE profiles, GDC dictionary), beside the checkout in CI. */
export function referencePath(...parts: string[]): string {
  return path.resolve(packageRoot(), '..', 'shared', 'reference', ...parts);
}
