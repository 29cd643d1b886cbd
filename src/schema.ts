import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths';

/** The public contract: every SDL file under schema/, in a stable order. */
export function loadTypeDefs(): string[] {
  const dir = path.join(packageRoot(), 'schema');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}
