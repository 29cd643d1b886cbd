/**
 * GraphQL names from upstream names. Upstream property names may hold spaces, dashes or a leading
 * digit (`Mapping efficiency`, `25_pct` in ENCODE quality metrics); GraphQL allows only
 * `[_A-Za-z][_0-9A-Za-z]*`, and names starting with `__` are reserved.
 */

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const RESERVED_VALUES = new Set(['true', 'false', 'null']);

export function isGraphqlName(name: string): boolean {
  return NAME.test(name) && !name.startsWith('__');
}

/** A valid enum value: a name, and not `true`, `false` or `null`. */
export function isEnumValueName(value: unknown): value is string {
  return typeof value === 'string' && isGraphqlName(value) && !RESERVED_VALUES.has(value);
}

/** `Mapping efficiency` → `Mapping_efficiency`, `25_pct` → `_25_pct`, `@id` → `_id`. */
export function fieldName(name: string): string {
  let out = name.replace(/[^_0-9A-Za-z]+/g, '_');
  if (!/^[_A-Za-z]/.test(out)) out = `_${out}`;
  if (out.startsWith('__')) out = out.replace(/^_+/, '_');
  return out || '_';
}

/** `submitted_unaligned_reads` → `SubmittedUnalignedReads`; `dx_applet details` → `DxAppletDetails`. */
export function pascal(name: string): string {
  return name
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Hands out field names within one type: sanitised names that collide with each other or with a
 * reserved field (`id`, `raw`…) get a numeric suffix, so every upstream property stays reachable.
 */
export class FieldNamer {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }

  take(upstreamName: string): string {
    const base = fieldName(upstreamName);
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

/** A GraphQL string literal (the JSON escapes are a subset of GraphQL's). */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** One-line description for SDL: whitespace collapsed, trimmed. */
export function describe(...parts: (string | undefined | null | false)[]): string | undefined {
  const text = parts
    .filter((p): p is string => typeof p === 'string' && p.trim().length > 0)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .join(' ');
  return text || undefined;
}

/** English plural of a PascalCase name's last word: `Library` → `Libraries`, `Diagnosis` → `Diagnoses`, `Reads` stays. */
export function plural(name: string): string {
  if (/(series|data|software|Software|Series|Data)$/.test(name)) return name;
  if (/sis$/.test(name)) return `${name.slice(0, -3)}ses`;
  if (/[^aeiouAEIOU]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(ss|x|ch|sh)$/.test(name)) return `${name}es`;
  if (/s$/.test(name)) return name;
  return `${name}s`;
}
