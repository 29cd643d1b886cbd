import type { JsonObject } from './dictionary/resolve';

/**
 * The GraphQL scalar GDC's submission GraphQL (peregrine) gives a property, in its filter arguments
 * and fields: gdcdatamodel keeps the first JSON type (of `type`, else of the `oneOf` branches) and
 * peregrine maps it, integers included, to Float; arrays are lists of String.
 */
export type PeregrineScalar = 'Boolean' | 'Float' | 'String' | 'List';

export function peregrineScalar(schema: JsonObject): PeregrineScalar {
  let types: unknown = null;
  if (Array.isArray(schema.oneOf)) {
    const branchTypes = (schema.oneOf as JsonObject[]).map((b) => b?.type).filter((t) => t);
    types = branchTypes.length ? branchTypes : null;
  }
  if (schema.type) types = schema.type;
  const first = Array.isArray(types) ? types[0] : types;
  if (first === 'boolean') return 'Boolean';
  if (first === 'number' || first === 'integer') return 'Float';
  if (first === 'array') return 'List';
  return 'String';
}
