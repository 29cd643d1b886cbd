import type { ErrorObject } from 'ajv';

/** A value as Python's repr() prints it, which is how both upstreams quote values in messages. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as object).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** ajv's instancePath (`/reverse/0/target`) as path parts. */
export function pathParts(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** An ajv error worded as Python jsonschema words it, so gateway-side checks read like upstream ones. */
export function jsonschemaMessage(err: ErrorObject, data: unknown): string {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return `${pyRepr(p.missingProperty)} is a required property`;
    case 'additionalProperties':
      return `Additional properties are not allowed (${pyRepr(p.additionalProperty)} was unexpected)`;
    case 'enum':
      return `${pyRepr(data)} is not one of ${pyRepr(p.allowedValues)}`;
    case 'type':
      return `${pyRepr(data)} is not of type ${String(p.type)
        .split(',')
        .map((t) => pyRepr(t))
        .join(', ')}`;
    case 'pattern':
      return `${pyRepr(data)} does not match ${pyRepr(p.pattern)}`;
    case 'minimum':
      return `${pyRepr(data)} is less than the minimum of ${p.limit}`;
    case 'maximum':
      return `${pyRepr(data)} is greater than the maximum of ${p.limit}`;
    case 'minItems':
      return `${pyRepr(data)} is too short`;
    case 'maxItems':
      return `${pyRepr(data)} is too long`;
    case 'uniqueItems':
      return `${pyRepr(data)} has non-unique elements`;
    case 'format':
      return `${pyRepr(data)} is not a ${pyRepr(p.format)}`;
    case 'anyOf':
    case 'oneOf':
      return `${pyRepr(data)} is not valid under any of the given schemas`;
    default:
      return err.message ?? `failed ${err.keyword}`;
  }
}

/** The value an error points at inside `root`. */
export function valueAt(root: unknown, parts: (string | number)[]): unknown {
  return parts.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k as string] : undefined), root);
}
