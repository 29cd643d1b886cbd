import type { Json } from './profiles';
import { RECORD_ID } from './tsv';

/**
 * TSV cells cast to the profile's types, as eu_register casts them but without its bugs: Python's
 * int()/float() syntax for numbers (`+7`, `1_000`, `1e3`) yet no NaN or infinity (JSON has none);
 * booleans `true`/`false` in any case; objects and arrays of objects as JSON with or without the
 * outer brackets (a list is not an object); other arrays as `a,b,c` or `[a,b,c]` (or a JSON array,
 * for items holding commas) in order, each item losing one matching pair of quotes around it
 * (`[head, "testis"]`, `'head'`: eu_register's TSVs quote items). eu_register deletes every quote
 * character of an array cell; only the pair around an item goes here, so `5' UTR` keeps its
 * apostrophe. Scalar cells are kept as written.
 */

export interface CastProblem {
  column: string;
  type: 'INVALID_VALUE' | 'INVALID_PROPERTY';
  message: string;
}

export interface CastRow {
  record: Record<string, unknown>;
  problems: CastProblem[];
}

type Cast = { ok: true; value: unknown } | { ok: false; reason: string };

const ok = (value: unknown): Cast => ({ ok: true, value });
const fail = (reason: string): Cast => ({ ok: false, reason });

/** One row's cells as a record of the profile. `record_id` is kept as is when `allowRecordId`. */
export function castCells(cells: [string, string][], profile: Json, allowRecordId: boolean, profileName: string): CastRow {
  const properties = (profile.properties ?? {}) as Json;
  const record: Record<string, unknown> = {};
  const problems: CastProblem[] = [];
  for (const [column, text] of cells) {
    if (column === RECORD_ID && allowRecordId) {
      record[column] = text;
      continue;
    }
    const schema = properties[column];
    if (!schema) {
      const hint = column === RECORD_ID ? ' (record_id names the record to patch; it is only read by patchRecords)' : '';
      problems.push({ column, type: 'INVALID_PROPERTY', message: `unknown column '${column}': the ${profileName} profile has no such property${hint}` });
      continue;
    }
    const cast = castValue(text, schema);
    if (cast.ok) record[column] = cast.value;
    else problems.push({ column, type: 'INVALID_VALUE', message: cast.reason });
  }
  return { record, problems };
}

/** One cell by its property schema. */
export function castValue(text: string, schema: Json): Cast {
  const types = typesOf(schema);
  if (types.length === 1 && types[0] === 'array') return castArray(text, (schema.items ?? {}) as Json);
  // A list of types (`["number","string"]`): the first that fits, string last.
  const ordered = [...types.filter((t) => t !== 'string'), ...types.filter((t) => t === 'string')];
  let firstFailure: Cast | null = null;
  for (const type of ordered) {
    const cast = type === 'array' ? castArray(text, (schema.items ?? {}) as Json) : castScalar(text, type);
    if (cast.ok) return cast;
    firstFailure ??= cast;
  }
  return firstFailure ?? ok(text);
}

function typesOf(schema: Json): string[] {
  const t = schema.type;
  if (Array.isArray(t)) return t.map(String);
  return typeof t === 'string' ? [t] : ['string'];
}

function castScalar(text: string, type: string): Cast {
  switch (type) {
    case 'integer':
      return castInteger(text);
    case 'number':
      return castNumber(text);
    case 'boolean':
      if (/^true$/i.test(text)) return ok(true);
      if (/^false$/i.test(text)) return ok(false);
      return fail(`${quote(text)} is not a boolean (true or false)`);
    case 'object':
      return castObject(text);
    case 'null':
      return fail(`${quote(text)} is not null`);
    default:
      return ok(text);
  }
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const INTEGER = new RegExp(`^[+-]?${DIGITS}$`);
const FLOAT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
const NOT_FINITE = /^[+-]?(inf|infinity|nan)$/i;

function castInteger(text: string): Cast {
  if (!INTEGER.test(text)) return fail(`${quote(text)} is not an integer`);
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n)) return fail(`${quote(text)} is too large to send exactly (more than ${Number.MAX_SAFE_INTEGER})`);
  return ok(n === 0 ? 0 : n);
}

function castNumber(text: string): Cast {
  if (INTEGER.test(text)) return castInteger(text);
  if (NOT_FINITE.test(text)) return fail(`${quote(text)} is not a finite number (JSON has no NaN or infinity)`);
  if (!FLOAT.test(text)) return fail(`${quote(text)} is not a number`);
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(n)) return fail(`${quote(text)} is out of range for a number`);
  return ok(n);
}

function castObject(text: string): Cast {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  if (!isObject(parsed.value)) return fail(`${quote(text)} is not a JSON object (${describe(parsed.value)})`);
  return parsed;
}

function castArray(text: string, items: Json): Cast {
  if (typesOf(items).includes('object')) {
    const parsed = parseJson(text.startsWith('[') ? text : `[${text}]`);
    if (!parsed.ok) return parsed;
    if (!Array.isArray(parsed.value)) return fail(`${quote(text)} is not a list of JSON objects (${describe(parsed.value)})`);
    const bad = parsed.value.findIndex((v) => !isObject(v));
    if (bad >= 0) return fail(`${quote(text)} is not a list of JSON objects (item ${bad + 1} is ${describe(parsed.value[bad])})`);
    return parsed;
  }
  // A JSON array is taken as written: the way to give items that hold commas.
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return castItems(parsed, text, items);
    } catch {
      /* not JSON: the `[a,b,c]` form */
    }
  }
  const body = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const parts = body.split(',').map((p) => unquote(p.trim()).trim()).filter((p) => p !== '');
  return castItems(parts, text, items);
}

/** One matching pair of quotes around an item taken off (`"testis"`, `'head'`). */
function unquote(item: string): string {
  const first = item[0];
  if (item.length >= 2 && (first === '"' || first === "'") && item.endsWith(first)) return item.slice(1, -1);
  return item;
}

function castItems(parts: unknown[], text: string, items: Json): Cast {
  const out: unknown[] = [];
  for (const [i, part] of parts.entries()) {
    if (typeof part !== 'string') {
      out.push(part);
      continue;
    }
    const cast = castValue(part, items);
    if (!cast.ok) return fail(`item ${i + 1} of ${quote(text)}: ${cast.reason}`);
    out.push(cast.value);
  }
  return ok(out);
}

function parseJson(text: string): Cast {
  try {
    return ok(JSON.parse(text));
  } catch (err) {
    return fail(`${quote(text)} is not valid JSON: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

function quote(text: string): string {
  return text.length > 80 ? `'${text.slice(0, 77)}...'` : `'${text}'`;
}
