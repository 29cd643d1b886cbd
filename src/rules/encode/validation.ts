import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { trimExtraProperties, untrimErrors } from '../shared/extra-properties';
import { pythonRegExp, toPythonErrors } from '../shared/jsonschema-errors';
import { pyRepr } from '../shared/pyrepr';
import { isAccession, isUuidFormat } from './identifiers';
import { mapLinks } from './links';
import type { Json } from './profiles';

export type Method = 'POST' | 'PATCH' | 'PUT';

/** What a link names, as far as validation needs: its uuid and the type names it answers to. */
export interface LinkTarget {
  uuid: string;
  /** `@type`: the concrete type name, its bases, `Item`. */
  types: string[];
}

/**
 * How links are resolved. The sandbox answers from its store; the gateway from records it looked
 * up in one batch before validating (and records created earlier in the same batch).
 */
export interface LinkResolver {
  /** The record `value` names (any identifier, or a key inside one of the `linkTo` collections). */
  resolve(value: string, linkTo: string[]): LinkTarget | null;
}

/** The write being validated: what the keywords need to know beyond the document. */
export interface WriteContext {
  method: Method;
  links: LinkResolver;
  /** Holds `import_items` and submits for any lab (an admin). */
  admin: boolean;
  /** Lab uuids the caller submits for; null when unknown to the validator (not checked). */
  submitsFor: string[] | null;
  /** The record's stored properties before a PATCH/PUT: unchanged values skip permission checks. */
  current?: Json;
}

/** One entry of snovault's 422 `errors`: the JSON path and jsonschema's message. */
export interface ValidationError {
  location: 'body';
  name: (string | number)[];
  description: string;
}

/** Formats encoded declares but does not check beyond a `pattern` (schema_formats.py). */
const UNCHECKED_FORMATS = ['hex', 'md5sum', 'gene_name', 'postal-code', 'target_label'];

/** Annotations that are not JSON Schema and that ajv must not compile into the validator. */
const SERVED_ONLY = ['id', '$schema', '_subtypes', '@type', 'mixinProperties'];

/**
 * snovault's SchemaValidator on ajv: draft-04 plus ENCODE's keywords (linkTo with linkEnum and
 * linkSubmitsFor, permission, requestMethod, notSubmittable/calculatedProperty) with snovault's
 * messages, and encoded's format checkers. Each profile is compiled once, on first use. Keywords
 * read the write being validated from `this.current`; validation is synchronous.
 */
export class RecordValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new WeakMap<Json, ValidateFunction>();
  private current: WriteContext | null = null;

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, verbose: true, validateSchema: false, logger: false, code: { regExp: pythonRegExp } });
    addFormats(this.ajv, ['date', 'date-time', 'uri']);
    this.ajv.addFormat('accession', isAccession);
    this.ajv.addFormat('uuid', isUuidFormat);
    // jsonschema's draft-4 email check: any string with an @.
    this.ajv.addFormat('email', (v: string) => v.includes('@'));
    for (const f of UNCHECKED_FORMATS) this.ajv.addFormat(f, true);
    this.addKeywords();
  }

  /** The profile's compiled validator (compiled on first use, then kept as long as the profile object lives). */
  compile(schema: Json): ValidateFunction {
    let fn = this.compiled.get(schema);
    if (!fn) {
      const body: Json = { ...schema };
      for (const key of SERVED_ONLY) delete body[key];
      fn = this.ajv.compile(body);
      this.compiled.set(schema, fn);
    }
    return fn;
  }

  /** What the portal would answer in its 422 `errors`; empty when it would accept the document. */
  validate(schema: Json, data: unknown, ctx: WriteContext): ValidationError[] {
    const fn = this.compile(schema);
    this.current = ctx;
    try {
      const trimmed = trimExtraProperties(fn.schema, data);
      if (fn(trimmed.data)) return [];
      return toPythonErrors(untrimErrors(fn.errors ?? [], trimmed)).map((e) => ({
        location: 'body',
        name: e.path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        description: e.message,
      }));
    } finally {
      this.current = null;
    }
  }

  private fail(keyword: string, message: string): ErrorObject[] {
    return [{ keyword, message, params: {}, instancePath: undefined as unknown as string, schemaPath: '' }];
  }

  /**
   * Is the value at `path` the same as before the write? snovault compares serialised values,
   * so links given as a path, alias or accession equal the uuid stored (IgnoreUnchanged).
   */
  private unchanged(instancePath: string, value: unknown, schema: Json): boolean {
    const ctx = this.current;
    if (!ctx?.current) return false;
    const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = ctx.current;
    for (const p of parts) {
      if (node === null || typeof node !== 'object') return false;
      node = (node as Record<string, unknown>)[p];
    }
    const serialise = (v: unknown) => mapLinks(schema, v, (link, s) => ctx.links.resolve(link, ([] as string[]).concat(s.linkTo))?.uuid ?? link);
    return JSON.stringify(serialise(node)) === JSON.stringify(serialise(value));
  }

  private addKeywords(): void {
    const self = this;
    const keyword = (name: string, check: (value: any, data: any, parentSchema: any, path: string) => string | null) => {
      const validate = function v(value: any, data: any, parentSchema: any, cxt: any): boolean {
        const message = self.current ? check(value, data, parentSchema, cxt?.instancePath ?? '') : null;
        (v as any).errors = message ? self.fail(name, message) : null;
        return !message;
      };
      this.ajv.addKeyword({ keyword: name, errors: true, validate });
    };

    keyword('linkTo', (linkTo, data, parentSchema) => {
      if (typeof data !== 'string') return null;
      const names: string[] = Array.isArray(linkTo) ? linkTo : [linkTo];
      const ctx = this.current!;
      const target = ctx.links.resolve(data, names);
      if (!target) return `${pyRepr(data)} not found`;
      const typeList = names.map((n) => pyRepr(n)).join(', ');
      if (!names.some((n) => target.types.includes(n))) return `${pyRepr(data)} is not of type ${typeList}`;
      // snovault names the linkTo types here, not the allowed uuids.
      const allowed = parentSchema.linkEnum as string[] | undefined;
      if (allowed && !allowed.includes(target.uuid)) return `${pyRepr(data)} is not one of ${typeList}`;
      if (parentSchema.linkSubmitsFor && !ctx.admin && ctx.submitsFor && !ctx.submitsFor.includes(target.uuid)) {
        return `${pyRepr(data)} is not in user submits_for`;
      }
      return null;
    });
    keyword('permission', (permission, data, parentSchema, path) => {
      if (this.current!.admin || this.unchanged(path, data, parentSchema)) return null;
      return `permission ${pyRepr(String(permission))} required`;
    });
    keyword('requestMethod', (methods, data, parentSchema, path) => {
      const list: string[] = Array.isArray(methods) ? methods : [methods];
      const method = this.current!.method;
      if (list.includes(method) || this.unchanged(path, data, parentSchema)) return null;
      return `request method ${pyRepr(method)} is not one of ${list.map((m) => pyRepr(m)).join(', ')}`;
    });
    // snovault maps both to one validator; encoded's served profiles carry only notSubmittable.
    keyword('notSubmittable', (flag) => (flag ? 'submission disallowed' : null));
    keyword('calculatedProperty', (flag, _d, parentSchema) => (flag && !parentSchema.notSubmittable ? 'submission disallowed' : null));
  }
}
