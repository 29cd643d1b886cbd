/**
 * encode_utils' default PATCH extends arrays; it puts the new values first, loses the order (a
 * set) and keeps `/biosamples/X/` next to `X`. Here: existing values first, then new ones, each
 * kept once by `identity` (for links, the record it names), order kept.
 */
export function extendArray(existing: readonly unknown[], added: readonly unknown[], identity: (value: unknown) => string = stableJson): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const value of [...existing, ...added]) {
    const key = identity(value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}

/** JSON with object keys sorted, so equal objects compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
