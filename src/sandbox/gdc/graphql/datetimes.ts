/**
 * Peregrine compares `created_datetime::timestamp` (Postgres drops the stored offset) with
 * dateutil.parse(argument) (its offset kept, none meaning UTC here). Both become microseconds since
 * the epoch so the stored microseconds count.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function micros(text: string, keepOffset: boolean): number | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(wall)) return null;
  let shift = 0;
  if (keepOffset && offset && offset.toUpperCase() !== 'Z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    shift = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return (wall - shift) * 1000 + Number(frac.padEnd(6, '0'));
}

/** A filter argument; dateutil's wording when it cannot be read. */
export function argumentInstant(text: string): number {
  const value = micros(text, true);
  if (value === null) throw new Error(`Unknown string format: ${text}`);
  return value;
}

/** A stored timestamp as Postgres' `::timestamp` reads it; null when absent or unreadable. */
export function storedInstant(value: unknown): number | null {
  return typeof value === 'string' ? micros(value, false) : null;
}
