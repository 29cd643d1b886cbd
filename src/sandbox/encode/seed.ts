import fs from 'node:fs';
import type { Portal } from './portal';
import type { Principal } from './principals';
import { PortalError } from './errors';

/** The principal seeding runs as: an admin without a user (server defaults name no submitter). */
const SEEDER: Principal = { role: 'admin', submitsFor: [] };

/**
 * Loads `{ "<item_type>": [records…], "@patch": [{ "id": …, …changes }] }`: records created in file
 * order through the normal create path, then `@patch` applied, for links that form cycles (a user's
 * lab is created after the user), as encoded's loadxl does in its second phase.
 */
export function loadSeed(portal: Portal, file: string): number {
  const seed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>[]>;
  let count = 0;
  for (const [itemType, records] of Object.entries(seed)) {
    if (itemType === '@patch') continue;
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
  for (const [i, { id, ...changes }] of (seed['@patch'] ?? []).entries()) {
    const item = portal.ids.path(String(id)) ?? portal.ids.root(String(id));
    if (!item) throw new Error(`ENCODE seed ${file}: @patch[${i}] names ${String(id)}, which the seed did not create`);
    try {
      portal.patch(item, changes, SEEDER);
    } catch (err) {
      const detail = err instanceof PortalError ? JSON.stringify(err.body()) : String(err);
      throw new Error(`ENCODE seed ${file}: @patch[${i}] was refused: ${detail}`);
    }
  }
  return count;
}
