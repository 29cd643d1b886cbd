/**
 * JSON-Schema properties as GraphQL shapes, shared by the ENCODE and GDC generators. Enums and
 * nested objects become named types; their names are given only once every profile has been
 * read (`NamedTypes.finalize`), so a structure that several profiles share under one property
 * name (ENCODE's `attachment`) becomes one type (`EncodeAttachment`) instead of one per profile.
 */
import { describe, FieldNamer, isEnumValueName, pascal } from './names';

export type Json = Record<string, any>;

export type ScalarName = 'String' | 'Int' | 'SafeInt' | 'Float' | 'Boolean' | 'JSON';

export type Shape =
  | { kind: 'scalar'; scalar: ScalarName }
  | { kind: 'enum'; ref: NamedRef }
  | { kind: 'object'; ref: NamedRef }
  /** A link to other records: the output type is `target` (a type, interface or union); in inputs, an identifier. */
  | { kind: 'link'; target: string }
  | { kind: 'list'; of: Shape };

export interface ObjectField {
  /** GraphQL name. */
  name: string;
  /** The upstream property name, as the records spell it. */
  key: string;
  shape: Shape;
  description?: string;
  /** Allowed values of an enum kept as String (listed in the description). */
  allowed?: unknown[];
  /** Required by the schema (non-null in input types unless it has a default). */
  required: boolean;
  /** The upstream fills it when left out (`default`, `serverDefault`). */
  hasDefault: boolean;
  /** Accepted in submissions (false for calculated, read-only and server-set properties). */
  submittable: boolean;
}

export interface NamedRef {
  kind: 'enum' | 'object';
  /** PascalCase owner (profile or node) and property path: `Biosample`, `DxAppletDetails`. */
  owner: string;
  path: string;
  /** Structure without annotations: refs with the same path and signature share one type. */
  signature: string;
  values?: string[];
  fields?: ObjectField[];
  description?: string;
  name?: string;
}

const INT32 = 2 ** 31;

/** How a property that links to other records is shaped: ENCODE `linkTo`/`linkFrom`. Null = not a link. */
export type LinkResolver = (schema: Json) => Shape | null;

export interface ShapeContext {
  owner: string;
  /** Called for every property schema before the generic mapping. */
  link: LinkResolver;
  named: NamedTypes;
}

/** Integers bounded within 32 bits are `Int`; others (file sizes, read counts) `SafeInt` (53 bits). */
function integerScalar(schema: Json): ScalarName {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
  const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
  return min >= -INT32 && max < INT32 ? 'Int' : 'SafeInt';
}

const SCALARS: Record<string, ScalarName> = { string: 'String', number: 'Float', boolean: 'Boolean' };

/** The JSON type a schema declares, `null` dropped from unions; undefined when it has none or several. */
function jsonType(schema: Json): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const real = t.filter((x) => x !== 'null');
    return real.length === 1 ? real[0] : undefined;
  }
  for (const key of ['oneOf', 'anyOf']) {
    if (!Array.isArray(schema[key])) continue;
    const types = new Set(schema[key].map((b: Json) => (b && typeof b === 'object' ? jsonType(b) : undefined)));
    types.delete(undefined);
    types.delete('null');
    if (types.size === 1) return [...types][0] as string;
    return undefined;
  }
  if (Array.isArray(schema.enum)) return 'string';
  return undefined;
}

/** Enum values of a schema (or of its oneOf/anyOf branches), when every branch is an enum. */
function enumValues(schema: Json): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  for (const key of ['oneOf', 'anyOf']) {
    if (!Array.isArray(schema[key])) continue;
    const branches = (schema[key] as Json[]).filter((b) => b && b.type !== 'null');
    if (branches.length && branches.every((b) => Array.isArray(b.enum))) return branches.flatMap((b) => b.enum);
  }
  return undefined;
}

/** The allowed values of a property kept as String (or a list of them). */
function allowedValues(schema: Json): unknown[] | undefined {
  const values = enumValues(schema) ?? (schema.items ? enumValues(schema.items) : undefined);
  return values?.length ? values : undefined;
}

/** A field's description as SDL shows it: the upstream's words, the allowed values, the upstream name if it differs. */
export function fieldDescription(f: ObjectField): string | undefined {
  return describe(
    f.description,
    f.allowed && `Allowed values: ${f.allowed.map((v) => JSON.stringify(v)).join(', ')}.`,
    f.name !== f.key && `Upstream property "${f.key}".`,
  );
}

/** The GraphQL shape alone: what decides whether two nested types can be one. */
function shapeSignature(shape: Shape): string {
  switch (shape.kind) {
    case 'scalar':
      return shape.scalar;
    case 'enum':
      return `enum(${shape.ref.values!.join(',')})`;
    case 'object':
      return `{${shape.ref.signature}}`;
    case 'link':
      return `link(${shape.target})`;
    case 'list':
      return `[${shapeSignature(shape.of)}]`;
  }
}

export function shapeOf(schema: Json | undefined, ctx: ShapeContext, path: string): Shape {
  if (!schema || typeof schema !== 'object') return { kind: 'scalar', scalar: 'JSON' };
  const link = ctx.link(schema);
  if (link) return link;
  const type = jsonType(schema);
  const values = enumValues(schema);
  if (values && (type === 'string' || type === undefined)) {
    if (!values.length || !values.every(isEnumValueName)) return { kind: 'scalar', scalar: 'String' };
    const unique = [...new Set(values as string[])];
    return { kind: 'enum', ref: ctx.named.enum(ctx.owner, path, unique, schema) };
  }
  if (type === 'integer') return { kind: 'scalar', scalar: integerScalar(schema) };
  if (type && SCALARS[type]) return { kind: 'scalar', scalar: SCALARS[type] };
  if (type === 'array') {
    const items = schema.items;
    if (!items || Array.isArray(items)) return { kind: 'scalar', scalar: 'JSON' };
    const of = shapeOf(items, ctx, path);
    // Lists of lists and of JSON stay one JSON value: a list of JSON would add nothing.
    if (of.kind === 'list' || (of.kind === 'scalar' && of.scalar === 'JSON')) return { kind: 'scalar', scalar: 'JSON' };
    return { kind: 'list', of };
  }
  if (type === 'object' && schema.properties && typeof schema.properties === 'object' && Object.keys(schema.properties).length) {
    return { kind: 'object', ref: ctx.named.object(ctx, path, schema) };
  }
  return { kind: 'scalar', scalar: 'JSON' };
}

/** Properties of an object schema as fields, in schema order. */
export function objectFields(
  properties: Json,
  required: string[],
  ctx: ShapeContext,
  parentPath: string,
  options: { reserved?: string[]; submittable?: (key: string, schema: Json) => boolean } = {},
): ObjectField[] {
  const namer = new FieldNamer(options.reserved);
  return Object.entries(properties).map(([key, schema]) => {
    const name = namer.take(key);
    const s = (schema ?? {}) as Json;
    const shape = shapeOf(s, ctx, parentPath ? `${parentPath}${pascal(key)}` : pascal(key));
    const stringy = shape.kind === 'scalar' || (shape.kind === 'list' && shape.of.kind === 'scalar');
    return {
      name,
      key,
      shape,
      description: describe(s.title && s.description ? `${s.title}: ${s.description}` : (s.description ?? s.title)),
      allowed: stringy ? allowedValues(s) : undefined,
      required: required.includes(key),
      hasDefault: 'default' in s || 'serverDefault' in s,
      submittable: options.submittable ? options.submittable(key, s) : true,
    };
  });
}

/** Enums and nested object types of one generator, named once everything is known. */
export class NamedTypes {
  readonly refs: NamedRef[] = [];

  constructor(readonly prefix: string) {}

  enum(owner: string, path: string, values: string[], schema: Json): NamedRef {
    const ref: NamedRef = { kind: 'enum', owner, path, values, signature: JSON.stringify(values), description: describe(schema.title) };
    this.refs.push(ref);
    return ref;
  }

  object(ctx: ShapeContext, path: string, schema: Json): NamedRef {
    const required = Array.isArray(schema.required) ? schema.required : [];
    const fields = objectFields(schema.properties as Json, required, ctx, path);
    // Field order does not matter: profiles list the same mixin's properties in different orders.
    const signature = fields
      .map((f) => `${f.name}=${f.key}:${shapeSignature(f.shape)}${f.required ? '!' : ''}${f.submittable ? '' : '-'}`)
      .sort()
      .join(';');
    const ref: NamedRef = { kind: 'object', owner: ctx.owner, path, signature, fields, description: describe(schema.title, schema.description) };
    this.refs.push(ref);
    return ref;
  }

  /**
   * Names every ref: `<prefix><Path>` when every use of that property path has one structure and
   * the name is free, else `<prefix><Owner><Path>`. Returns the distinct types to declare.
   */
  finalize(taken: Set<string>): NamedRef[] {
    const groups = new Map<string, NamedRef[]>();
    for (const ref of this.refs) {
      const key = `${ref.kind}\u0000${ref.path}`;
      groups.set(key, [...(groups.get(key) ?? []), ref]);
    }
    const declared = new Map<string, NamedRef>();
    const assign = (ref: NamedRef, wanted: string) => {
      let name = wanted;
      for (let i = 2; taken.has(name) && declared.get(name)?.signature !== ref.signature; i++) name = `${wanted}${i}`;
      // Same name and structure from another owner: reuse that declaration, listing every
      // profile's allowed values (ENCODE's attachment MIME types differ by profile).
      const first = declared.get(name);
      if (!first) {
        declared.set(name, ref);
        taken.add(name);
      } else if (first !== ref && ref.fields) {
        first.fields!.forEach((f) => {
          const other = ref.fields!.find((g) => g.name === f.name)?.allowed;
          if (f.allowed && other) f.allowed = [...new Set([...f.allowed, ...other])];
        });
      }
      ref.name = name;
    };
    for (const refs of groups.values()) {
      const shared = new Set(refs.map((r) => r.signature)).size === 1;
      const sharedName = `${this.prefix}${refs[0].path}`;
      if (shared && !taken.has(sharedName)) {
        for (const ref of refs) assign(ref, sharedName);
      } else {
        for (const ref of refs) assign(ref, `${this.prefix}${ref.owner}${ref.path}`);
      }
    }
    return [...declared.values()];
  }
}
