import fs from 'node:fs';
import type { Portal } from './portal';
import type { Principal } from './principals';
import { PortalError } from './errors';

/** The principal seeding runs as: an admin without a user (server defaults name no submitter). */
const SEEDER: Principal = { role: 'admin', submitsFor: [] };

/** Loads `{ "<item_type>": [records…] }` in file order through the normal create path. */
export function loadSeed(portal: Portal, file: string): number {
  const seed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>[]>;
  let count = 0;
  for (const [itemType, records] of Object.entries(seed)) {
    const info = portal.profiles.get(itemType);
    if (!info) throw new Error(`ENCODE seed ${file}: no profile for ${itemType}`);
    for (const [i, record] of records.entries()) {
      try {
        portal.create(info, record, SEEDER, true);
        count++;
      } catch (err) {
        const detail = err instanceof PortalError ? JSON.stringify(err.body()) : String(err);
        throw new Error(`ENCODE seed ${file}: ${itemType}[${i}] was refused: ${detail}`);
      }
    }
  }
  return count;
}
