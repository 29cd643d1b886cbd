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
