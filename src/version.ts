import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths';

let version: string | null = null;

/** The gateway's version from its package.json, however it is started (npm, node, Docker). */
export function packageVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
