import type { ErrorObject } from 'ajv';
import { pyRepr } from './pyrepr';

/*
 * Both upstreams validate with Python's jsonschema and send its messages; the emulators validate
 * with ajv and reword its errors here, one error per failing keyword, as jsonschema raises them.
 */

/** One error as Python's jsonschema (Draft4Validator, no format checker) would raise it. */
export interface SchemaError {
  message: string;
  /** error.path: where in the document; empty at the top level. */
  path: string[];
  keyword: string;
  context: SchemaError[];
}

/**
 * Schema patterns are Python `re` syntax: GDC's allow `{,n}` for `{0,n}`, and a few ENCODE ones
 * escape characters (`\-` outside a class) that a unicode-mode JS RegExp rejects. re.search and
 * RegExp.test agree otherwise for both upstreams' patterns.
 */
export function pythonRegExp(pattern: string, flags: string): RegExp {
  const translated = pattern.replace(/(^|[^\\])\{,(\d+)\}/g, '$1{0,$2}');
  try {
    return new RegExp(translated, flags);
  } catch {
    return new RegExp(translated, flags.replace('u', ''));
  }
}
pythonRegExp.code = 'pythonRegExp';

const COMBINATORS = new Set(['anyOf', 'oneOf']);

/** Every proper prefix of a schema path that ends at a `/`: the combinators an error may sit under. */
function* ancestors(schemaPath: string): Generator<string> {
  for (let i = schemaPath.indexOf('/'); i !== -1; i = schemaPath.indexOf('/', i + 1)) yield schemaPath.slice(0, i);
}

/**
 * Linear in the errors (times the schema's depth): an object with N unexpected properties yields N
 * ajv errors, and comparing each with each (as a first version did) blocked the event loop for
 * seconds at 40,000 keys. An error belongs under a combinator when the combinator's schemaPath is a
 * proper `/`-prefix of its own; combinators are found by those prefixes in a set.
 */
export function toPythonErrors(errors: ErrorObject[]): SchemaError[] {
  // Errors under each combinator schemaPath, in their original order (what each context is built from).
  const under = new Map<string, ErrorObject[]>();
  for (const e of errors) if (COMBINATORS.has(e.keyword)) under.set(e.schemaPath, []);
  if (under.size) {
    for (const e of errors) {
      for (const prefix of ancestors(e.schemaPath)) under.get(prefix)?.push(e);
    }
  }
  // Contexts depend only on the combinator's schemaPath: built once per path.
  const contexts = new Map<string, SchemaError[]>();
  const build = (pool: ErrorObject[]): SchemaError[] => {
    const combinatorPaths = new Set<string>();
    for (const c of pool) if (COMBINATORS.has(c.keyword)) combinatorPaths.add(c.schemaPath);
    // Direct members of the pool: not inside another combinator that is itself in the pool.
    const direct = combinatorPaths.size ? pool.filter((e) => !some(ancestors(e.schemaPath), (p) => combinatorPaths.has(p))) : pool;
    return merged(direct).map((e) => {
      let context: SchemaError[] = [];
      if (COMBINATORS.has(e.keyword)) {
        context = contexts.get(e.schemaPath) ?? build(under.get(e.schemaPath)!);
        contexts.set(e.schemaPath, context);
      }
      return pythonError(e, context);
    });
  };
  return build(errors);
}

/** One (merged) ajv error reworded as jsonschema, with the errors under it when it is a combinator. */
export function pythonError(e: ErrorObject, context: SchemaError[]): SchemaError {
  return { message: messageOf(e), path: pathOf(e), keyword: e.keyword, context };
}

function some<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const item of items) if (test(item)) return true;
  return false;
}

/** jsonschema reports all unexpected properties of one object in one error; ajv reports one each. */
export function merged(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Map<string, ErrorObject & { extras?: string[] }>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') {
      out.push(e);
      continue;
    }
    const key = `${e.instancePath}|${e.schemaPath}`;
    // An error for a trimmed object (extra-properties.ts) already names every unexpected key.
    const given = (e as { extras?: string[] }).extras;
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    const prev = seen.get(key);
    if (prev) prev.extras!.push(...(given ?? [extra]));
    else {
      const copy = { ...e, extras: given ? [...given] : [extra] };
      seen.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

function pathOf(e: ErrorObject): string[] {
  return e.instancePath ? e.instancePath.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
}

function messageOf(e: ErrorObject & { extras?: string[] }): string {
  const data = e.data;
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return `${pyRepr(params.missingProperty)} is a required property`;
    case 'type': {
      const types = String(params.type).split(',');
      return `${pyRepr(data)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`;
    }
    case 'enum':
      return `${pyRepr(data)} is not one of ${pyRepr(e.schema)}`;
    case 'minimum':
      return params.comparison === '>'
        ? `${pyRepr(data)} is less than or equal to the minimum of ${pyRepr(params.limit)}`
        : `${pyRepr(data)} is less than the minimum of ${pyRepr(params.limit)}`;
    case 'maximum':
      return params.comparison === '<'
        ? `${pyRepr(data)} is greater than or equal to the maximum of ${pyRepr(params.limit)}`
        : `${pyRepr(data)} is greater than the maximum of ${pyRepr(params.limit)}`;
    case 'pattern':
      return `${pyRepr(data)} does not match ${pyRepr(params.pattern)}`;
    case 'additionalProperties': {
      const extras = e.extras ?? [String(params.additionalProperty)];
      return `Additional properties are not allowed (${extras.map((x) => pyRepr(x)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
    }
    case 'anyOf':
      return `${pyRepr(data)} is not valid under any of the given schemas`;
    case 'oneOf':
      return Array.isArray(params.passingSchemas)
        ? `${pyRepr(data)} is valid under each of ${params.passingSchemas.join(', ')}`
        : `${pyRepr(data)} is not valid under any of the given schemas`;
    case 'minItems':
    case 'minLength':
      return `${pyRepr(data)} is too short`;
    case 'maxItems':
    case 'maxLength':
      return `${pyRepr(data)} is too long`;
    case 'uniqueItems':
      return `${pyRepr(data)} has non-unique elements`;
    case 'multipleOf':
      return `${pyRepr(data)} is not a multiple of ${pyRepr(params.multipleOf)}`;
    case 'not':
      return `${pyRepr(e.schema)} is not allowed for ${pyRepr(data)}`;
    case 'format':
      return `${pyRepr(data)} is not a ${pyRepr(params.format)}`;
    case 'dependencies':
      return `${pyRepr(params.missingProperty)} is a dependency of ${pyRepr(params.property)}`;
    case 'minProperties':
      return `${pyRepr(data)} does not have enough properties`;
    case 'maxProperties':
      return `${pyRepr(data)} has too many properties`;
    default:
      return e.message ?? `${pyRepr(data)} is invalid (${e.keyword})`;
  }
}

