import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import type { Scalar } from './munge';

function enumOf(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum)) return s.enum.filter((v): v is string => typeof v === 'string');
  for (const key of ['oneOf', 'anyOf']) if (Array.isArray(s[key])) return (s[key] as unknown[]).flatMap(enumOf);
  return [];
}

/**
 * The dictionary's own spelling of a mapped value ('not reported' → 'Not Reported'). GDC runs mappings and
 * dictionary of one release; the copies here are of different releases, whose enums differ only in case.
 */
export function dictionarySpelling(dictionary: Dictionary, type: string, property: string, value: Scalar): Scalar {
  if (typeof value !== 'string') return value;
  const allowed = enumOf((dictionary.get(type)?.schema.properties as Record<string, unknown> | undefined)?.[property]);
  if (!allowed.length || allowed.includes(value)) return value;
  const matches = allowed.filter((v) => v.toLowerCase() === value.toLowerCase());
  return matches.length === 1 ? matches[0] : value;
}
