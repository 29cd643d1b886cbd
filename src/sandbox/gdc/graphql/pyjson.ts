import { pyRepr } from '../../../rules/shared/pyrepr';

/**
 * How values read back from GDC's Postgres look once Python prints them. JSONB keeps object keys
 * sorted by length, then bytewise; psycopg2 builds dicts in that order, and graphene's String turns
 * dicts and lists into their Python str(). Peregrine's fields over JSONB columns (snapshots,
 * canonical_json, warnings) and json.dumps of response_json therefore show this order and syntax.
 */
export function jsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value as Record<string, unknown>).sort(jsonbKeyCompare);
  return Object.fromEntries(keys.map((k) => [k, jsonbOrder((value as Record<string, unknown>)[k])]));
}

function jsonbKeyCompare(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length - bb.length || Buffer.compare(ab, bb);
}

/** graphene's String coercion of a Python value: str as is, bools lower-case, anything else str(). */
export function graphqlString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return pyRepr(jsonbOrder(value));
}

/** Python's json.dumps with its defaults: ", " and ": " separators, ASCII only, NaN as NaN. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'string') return asciiString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${asciiString(k)}: ${pyJsonDumps(v)}`);
  return `{${entries.join(', ')}}`;
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
