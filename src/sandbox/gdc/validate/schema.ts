import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv-draft-04';
import type { JsonObject } from '../../../rules/gdc/dictionary/resolve';
import { trimExtraProperties, untrimErrors } from '../../../rules/shared/extra-properties';
import { pythonRegExp, type SchemaError, toPythonErrors } from '../../../rules/shared/jsonschema-errors';

export { pythonRegExp, type SchemaError } from '../../../rules/shared/jsonschema-errors';

/**
 * Draft-04 validation with ajv, reshaped to Python jsonschema's errors: GDC's messages are
 * jsonschema's ("'x' is not one of [...]", "Additional properties are not allowed (...)"), one error per
 * failing keyword, with anyOf/oneOf failures carrying their branches' errors as context.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    validateFormats: false,
    validateSchema: false,
    code: { regExp: pythonRegExp },
  });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly schemas: (type: string) => JsonObject | undefined) {}

  validate(type: string, doc: unknown): SchemaError[] {
    const schema = this.schemas(type);
    if (!schema) return [];
    let fn = this.compiled.get(type);
    if (!fn) {
      // `id` and `$schema` are the dictionary's bookkeeping, not resolution scopes.
      const { id: _id, $schema: _s, ...rest } = schema;
      fn = this.ajv.compile(rest);
      this.compiled.set(type, fn);
    }
    const trimmed = trimExtraProperties(fn.schema, doc);
    if (fn(trimmed.data)) return [];
    return orderLikeJsonschema(toPythonErrors(untrimErrors(fn.errors ?? [], trimmed)), schema);
  }
}

/** jsonschema walks the schema's keywords, and `properties` in schema order; ajv's order differs. */
function orderLikeJsonschema(errors: SchemaError[], schema: JsonObject): SchemaError[] {
  const keywords = Object.keys(schema);
  const props = Object.keys((schema.properties as JsonObject | undefined) ?? {});
  const rank = (e: SchemaError) => {
    const top = e.path.length ? 'properties' : e.keyword;
    const k = keywords.indexOf(top);
    const p = e.path.length ? props.indexOf(e.path[0]) : -1;
    return [k < 0 ? keywords.length : k, p];
  };
  return errors
    .map((e, i) => ({ e, i, r: rank(e) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map((x) => x.e);
}
