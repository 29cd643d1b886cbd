import path from 'node:path';
import { packageRoot } from '../../paths';

export { dataPath, packageRoot, REAL_DATA } from '../../paths';

/** Built-in starter data (profiles, dictionary, seed records) ships as plain files under src/sandbox/starter. */
export function starterPath(...parts: string[]): string {
  return path.join(packageRoot(), 'src', 'sandbox', 'starter', ...parts);
}
