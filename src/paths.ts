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

/**
 * The real upstream data copied into the project (data/README.md): ENCODE profiles and inserts,
 * the GDC dictionary, its examples and BCR XML samples, each with its licence.
 */
export function dataPath(...parts: string[]): string {
  return path.join(packageRoot(), 'data', ...parts);
}

/** What `SANDBOX_SCHEMAS=real` starts the sandbox on. */
export const REAL_DATA = {
  encodeProfiles: dataPath('encode', 'profiles'),
  encodeInserts: dataPath('encode', 'inserts'),
  gdcDictionary: dataPath('gdc', 'dictionary'),
};
