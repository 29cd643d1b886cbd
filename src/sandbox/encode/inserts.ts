import fs from 'node:fs';
import path from 'node:path';
import { PortalError } from './errors';
import type { Portal } from './portal';
import type { Principal } from './principals';

/** The principal loading runs as: an admin without a user, as loadxl runs. */
const LOADER: Principal = { role: 'admin', submitsFor: [] };

/** `inserts_load_order.json`: loadxl's ORDER, the keys phase 1 leaves out, the attachment properties. */
interface LoadOrder {
  ORDER: string[];
  PHASE1_REMOVED_KEYS: Record<string, string[]>;
  IS_ATTACHMENT: string[];
}

export const LOAD_ORDER_FILE = 'inserts_load_order.json';

const MIME: Record<string, string> = {
  pdf: 'application/pdf', txt: 'text/plain', png: 'image/png', svs: 'image/svs', json: 'application/json',
  tsv: 'text/tab-separated-values', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', tif: 'image/tiff',
  tiff: 'image/tiff', html: 'text/html', as: 'text/autosql', gz: 'application/gzip',
};

/** loadxl reads attachments from files the inserts do not ship; a small data URI of the right type stands in. */
function attachment(name: string) {
  const type = MIME[name.split('.').pop()!.toLowerCase()] ?? 'text/plain';
  return { download: name, type, href: `data:${type};base64,${Buffer.from(`sandbox stand-in for ${name}`).toString('base64')}` };
}

export interface InsertSet {
  order: LoadOrder;
  /** Rows by item type, those marked `skip` left out as loadxl does. */
  rows(itemType: string): Record<string, unknown>[];
  /** One row as loadxl sends it: `_`/`@` keys, empty values and `schema_version` dropped; phase 1 also drops cycle keys. */
  rowFor(itemType: string, raw: Record<string, unknown>, phase: 1 | 2): Record<string, unknown>;
}

/** A folder of encoded test inserts (`<item_type>.json`) with its `inserts_load_order.json`. */
export function readInserts(dir: string): InsertSet {
  const orderFile = path.join(dir, LOAD_ORDER_FILE);
  if (!fs.existsSync(orderFile)) throw new Error(`ENCODE inserts folder ${dir} has no ${LOAD_ORDER_FILE}`);
  const order = JSON.parse(fs.readFileSync(orderFile, 'utf8')) as LoadOrder;
  const cache = new Map<string, Record<string, unknown>[]>();
  return {
    order,
    rows(itemType) {
      let rows = cache.get(itemType);
      if (!rows) {
        const file = path.join(dir, `${itemType}.json`);
        const all = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[]) : [];
        rows = all.filter((r) => r.test !== 'skip' && r._test !== 'skip');
        cache.set(itemType, rows);
      }
      return rows;
    },
    rowFor(itemType, raw, phase) {
      const removed = new Set(phase === 1 ? (order.PHASE1_REMOVED_KEYS[itemType] ?? []) : []);
      const row: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k.startsWith('_') || k.startsWith('@') || removed.has(k) || k === 'schema_version') continue;
        if (v === '' || v === null || (Array.isArray(v) && v.length === 0)) continue;
        row[k] = order.IS_ATTACHMENT.includes(k) && typeof v === 'string' ? attachment(v) : v;
      }
      return row;
    },
  };
}

export interface InsertsLoaded {
  created: number;
  patched: number;
  /** Rows the portal refused, by item type (CMS `page`s, which the emulator does not model). */
  refused: Record<string, string[]>;
}

/**
 * Loads the inserts into the portal as encoded's loadxl does: every type in ORDER, phase 1 creates
 * each row without the keys that form cycles, phase 2 patches the full rows.
 */
export function loadInserts(portal: Portal, dir: string): InsertsLoaded {
  const inserts = readInserts(dir);
  const result: InsertsLoaded = { created: 0, patched: 0, refused: {} };
  const refuse = (type: string, what: string, err: unknown) => {
    const detail = err instanceof PortalError ? JSON.stringify(err.body()).slice(0, 300) : String(err);
    (result.refused[type] ??= []).push(`${what}: ${detail}`);
  };
  const created = new Map<Record<string, unknown>, string>();
  for (const type of inserts.order.ORDER) {
    const info = portal.profiles.get(type);
    if (!info) continue;
    for (const raw of inserts.rows(type)) {
      try {
        created.set(raw, portal.create(info, inserts.rowFor(type, raw, 1), LOADER, true).uuid);
        result.created++;
      } catch (err) {
        refuse(type, `create ${String(raw.uuid ?? raw.accession ?? raw.name)}`, err);
      }
    }
  }
  for (const type of inserts.order.ORDER) {
    for (const raw of inserts.rows(type)) {
      const uuid = created.get(raw);
      const item = uuid ? portal.store.get(uuid) : undefined;
      if (!item) continue;
      try {
        portal.patch(item, inserts.rowFor(type, raw, 2), LOADER);
        result.patched++;
      } catch (err) {
        refuse(type, `patch ${uuid}`, err);
      }
    }
  }
  return result;
}
