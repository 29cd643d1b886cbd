import { BcrParseError } from './xml';

export type Scalar = string | number | boolean | null;

export interface ValueRules {
  type?: string;
  /** Canonical value → the raw values (compared case-insensitively) that mean it. */
  values?: Record<string, unknown[]>;
  minimum?: number;
  maximum?: number;
}

function pythonInt(value: Scalar, label: string): number {
  if (typeof value === 'number') return Math.trunc(value);
  const text = String(value).trim();
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  throw new BcrParseError(`${label}: invalid literal for int() with base 10: '${text}'`);
}

function pythonFloat(value: Scalar, label: string): number {
  if (typeof value === 'number') return value;
  const text = String(value).trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  throw new BcrParseError(`${label}: could not convert string to float: '${text}'`);
}

/** to_bool: true/yes and false/no in any case; anything else is an error. */
function pythonBool(value: Scalar, label: string): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (text === 'true' || text === 'yes') return true;
  if (text === 'false' || text === 'no') return false;
  throw new BcrParseError(`${label}: Cannot convert ${String(value)} to boolean`);
}

function title(text: string): string {
  return text.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/**
 * A mapped value made what the dictionary expects: `values` first (raw spellings to the canonical one),
 * then the mapping's type (str, str.lower, str.title, int, long, float, bool), then the HIPAA-style bounds
 * (day counts beyond ±32872 are capped).
 */
export function munge(raw: Scalar, rules: ValueRules, label: string): Scalar {
  if (raw === null) return null;
  let value: Scalar = raw;
  for (const [canonical, spellings] of Object.entries(rules.values ?? {})) {
    if ((spellings ?? []).some((s) => String(s).toLowerCase() === String(value).toLowerCase())) {
      value = canonical;
      break;
    }
  }
  switch (rules.type ?? 'str') {
    case 'int':
    case 'long':
      value = pythonInt(value, label);
      break;
    case 'float':
      value = pythonFloat(value, label);
      break;
    case 'bool':
      value = pythonBool(value, label);
      break;
    case 'str.lower':
      value = String(value).toLowerCase();
      break;
    case 'str.title':
      value = title(String(value));
      break;
    default:
      value = String(value);
  }
  if (typeof value === 'number') {
    if (typeof rules.maximum === 'number' && value > rules.maximum) value = rules.maximum;
    if (typeof rules.minimum === 'number' && value < rules.minimum) value = rules.minimum;
  }
  return value;
}
