import type { ErrorObject } from 'ajv';

/*
 * ajv reports every unexpected property of an object as an error object of its own (with
 * `verbose`, each carrying the data and schemas), where jsonschema raises one error naming them
 * all: a record with 40,000 unknown keys cost 40,000 error objects built in one synchronous call
 * (tens of ms of event loop, then as much again to merge them). So before ajv runs, an object
 * whose schema forbids additional properties keeps only its first unexpected key; ajv reports
 * that one where it belongs, and the error is given the full list afterwards. The verdict is the
 * same as on the whole object because only objects whose schema never looks at the unnamed keys
 * (no patternProperties, min/maxProperties, enum...) are trimmed, and messages that print an
 * object print the caller's object, not the trimmed one.
 */

/** Keywords that judge an object by keys its schema does not name: an object under them is validated whole. */
const WHOLE_OBJECT = ['patternProperties', 'minProperties', 'maxProperties', 'enum', 'const', '$ref', 'permission', 'requestMethod'];
/** Subschemas applied to the same object: the keys they name count as named. */
const SAME_OBJECT = ['anyOf', 'oneOf', 'allOf'];

type Schema = Record<string, unknown>;

export interface TrimmedData {
  /** What ajv validates: the data, with surplus unexpected keys of trimmed objects left out. */
  data: unknown;
  /** Every unexpected key of each trimmed object, in document order, by ajv instancePath. */
  extras: Map<string, string[]>;
  /** Each trimmed copy → the caller's object it stands for. */
  originals: Map<object, object>;
}

/** The keys a trimmable schema names, or null when the object must be validated whole. */
const plans = new WeakMap<Schema, Set<string> | null>();

function isObject(v: unknown): v is Schema {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function planOf(schema: Schema): Set<string> | null {
  let plan = plans.get(schema);
  if (plan !== undefined) return plan;
  const type = schema.type;
  const objectType = type === undefined || type === 'object' || (Array.isArray(type) && type.includes('object'));
  plan = schema.additionalProperties === false && isObject(schema.properties) && objectType ? new Set(Object.keys(schema.properties)) : null;
  if (plan && !collectNamed(schema, plan, true)) plan = null;
  plans.set(schema, plan);
  return plan;
}

/**
 * Adds the keys `schema` (and the subschemas it applies to the same object) names to `named`;
 * false when one of them could judge the object by other keys. `top`: the trimmed schema itself,
 * whose own `additionalProperties: false` is what the trimming accounts for.
 */
function collectNamed(schema: Schema, named: Set<string>, top: boolean): boolean {
  if (WHOLE_OBJECT.some((k) => k in schema)) return false;
  if (!top && 'additionalProperties' in schema) return false;
  if (isObject(schema.properties)) for (const k of Object.keys(schema.properties)) named.add(k);
  if (Array.isArray(schema.required)) for (const k of schema.required) named.add(String(k));
  if (isObject(schema.dependencies)) {
    for (const [k, dep] of Object.entries(schema.dependencies)) {
      named.add(k);
      if (Array.isArray(dep)) for (const d of dep) named.add(String(d));
      else if (isObject(dep) && !collectNamed(dep, named, false)) return false;
    }
  }
  for (const k of SAME_OBJECT) {
    const subs = schema[k];
    if (Array.isArray(subs) && !subs.every((s) => isObject(s) && collectNamed(s, named, false))) return false;
  }
  if ('not' in schema && !(isObject(schema.not) && collectNamed(schema.not, named, false))) return false;
  return true;
}

/** `key` as a segment of an ajv instancePath (JSON pointer). */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Sets a key as JSON.parse would: `__proto__` as data, never the prototype. */
function put(object: Schema, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * The data to hand ajv: each object (the top one, and those reached through `properties`) whose
 * schema allows it keeps one unexpected key of many. Linear in the keys of those objects.
 */
export function trimExtraProperties(schema: unknown, data: unknown): TrimmedData {
  const out: TrimmedData = { data, extras: new Map(), originals: new Map() };
  out.data = trim(schema, data, '', out);
  return out;
}

function trim(schema: unknown, data: unknown, path: string, out: TrimmedData): unknown {
  if (!isObject(schema) || !isObject(data)) return data;
  let view: Schema = data;
  const named = planOf(schema);
  if (named) {
    const keys = Object.keys(data);
    const extras = keys.filter((k) => !named.has(k));
    if (extras.length > 1) {
      view = {};
      for (const k of keys) if (named.has(k) || k === extras[0]) put(view, k, data[k]);
      out.extras.set(path, extras);
    }
  }
  if (isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!Object.hasOwn(view, key) || !isObject(view[key])) continue;
      const child = trim(sub, view[key], `${path}/${pointer(key)}`, out);
      if (child === view[key]) continue;
      if (view === data) view = { ...data };
      put(view, key, child);
    }
  }
  if (view !== data) out.originals.set(view, data);
  return view;
}

/**
 * ajv's errors on trimmed data as if it had validated the caller's data: printed objects are the
 * caller's, and an object's unexpected-property error carries all of its unexpected keys (`extras`,
 * what merged() in jsonschema-errors.ts joins into one message).
 */
export function untrimErrors(errors: ErrorObject[], trimmed: TrimmedData): ErrorObject[] {
  if (!trimmed.originals.size) return errors;
  return errors.map((e) => {
    const original = isObject(e.data) ? trimmed.originals.get(e.data) : undefined;
    const extras = e.keyword === 'additionalProperties' ? trimmed.extras.get(e.instancePath) : undefined;
    if (!original && !extras) return e;
    return { ...e, ...(original ? { data: original } : {}), ...(extras ? { extras } : {}) };
  });
}
