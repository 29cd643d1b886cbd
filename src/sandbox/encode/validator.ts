import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { pythonRegExp, toPythonErrors } from '../../rules/shared/jsonschema-errors';
import type { Identifiers } from './identifiers';
import { isAdmin, type Principal } from './principals';
import type { Json, TypeInfo } from './profiles';
import { isAccession } from './store';

export type Method = 'POST' | 'PATCH' | 'PUT';

/** What the keywords need to know about the write being validated. */
export interface WriteContext {
  method: Method;
  principal: Principal;
  /** The item's properties before the write (PATCH/PUT): unchanged values skip permission checks. */
  current?: Json;
}

/** One entry of snovault's 422 `errors`: the JSON path and jsonschema's message. */
export interface ValidationError {
  location: 'body';
  name: (string | number)[];
  description: string;
}

/** Formats snovault declares but has no checker for (API notes §3). */
const UNCHECKED_FORMATS = ['hex', 'md5sum', 'gene_name', 'postal-code', 'target_label'];

/**
 * snovault's SchemaValidator on ajv: draft-04 plus ENCODE's keywords (linkTo, linkEnum,
 * linkSubmitsFor, permission, requestMethod, calculatedProperty/notSubmittable) with snovault's
 * messages. Keywords read the write being validated from `this.current`; validation is synchronous.
 */
export class RecordValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private current: WriteContext | null = null;

  constructor(private readonly ids: Identifiers) {
    this.ajv = new Ajv({ strict: false, allErrors: true, verbose: true, validateSchema: false, logger: false, code: { regExp: pythonRegExp } });
    addFormats(this.ajv, ['date', 'date-time', 'uri', 'email', 'uuid']);
    this.ajv.addFormat('accession', isAccession);
    for (const f of UNCHECKED_FORMATS) this.ajv.addFormat(f, true);
    this.addKeywords();
  }

  validate(info: TypeInfo, data: Json, ctx: WriteContext): ValidationError[] {
    let fn = this.compiled.get(info.itemType);
    if (!fn) {
      const { id: _id, $schema: _s, _subtypes: _t, '@type': _a, ...body } = info.schema;
      fn = this.ajv.compile(body);
      this.compiled.set(info.itemType, fn);
    }
    this.current = ctx;
    try {
      if (fn(data)) return [];
      return toPythonErrors(fn.errors ?? []).map((e) => ({
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

  /** Is the value at `path` the same as before the write? (snovault's IgnoreUnchanged) */
  private unchanged(instancePath: string, value: unknown): boolean {
    const ctx = this.current;
    if (!ctx?.current) return false;
    const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = ctx.current;
    for (const p of parts) {
      if (node === null || typeof node !== 'object') return false;
      node = (node as Record<string, unknown>)[p];
    }
    return JSON.stringify(node) === JSON.stringify(value);
  }

  private addKeywords(): void {
    const self = this;
    const keyword = (name: string, check: (schema: any, data: any, parentSchema: any, path: string) => string | null) => {
      const validate = function v(schema: any, data: any, parentSchema: any, cxt: any): boolean {
        const message = self.current ? check(schema, data, parentSchema, cxt?.instancePath ?? '') : null;
        (v as any).errors = message ? self.fail(name, message) : null;
        return !message;
      };
      this.ajv.addKeyword({ keyword: name, errors: true, validate });
    };

    keyword('linkTo', (linkTo, data, parentSchema) => {
      if (typeof data !== 'string') return null;
      const found = this.ids.link(data, Array.isArray(linkTo) ? linkTo : [linkTo]);
      if ('error' in found) return found.error;
      const allowed = parentSchema.linkEnum as string[] | undefined;
      if (allowed && !allowed.includes(found.item.uuid)) return `${repr(data)} is not one of ${pyList(allowed)}`;
      if (parentSchema.linkSubmitsFor) {
        const p = this.current!.principal;
        if (p.userId && !isAdmin(p) && !p.submitsFor.includes(found.item.uuid)) return `${repr(found.item.uuid)} is not in user submits_for`;
      }
      return null;
    });
    keyword('permission', (permission, data, _s, path) => {
      if (isAdmin(this.current!.principal) || this.unchanged(path, data)) return null;
      return `permission ${repr(String(permission))} required`;
    });
    keyword('requestMethod', (methods, data, _s, path) => {
      const list: string[] = Array.isArray(methods) ? methods : [methods];
      const method = this.current!.method;
      if (list.includes(method) || this.unchanged(path, data)) return null;
      return `request method ${repr(method)} is not one of ${list.map(repr).join(', ')}`;
    });
    // Either flag refuses any value; one error even when a property carries both.
    keyword('calculatedProperty', (flag) => (flag ? 'submission disallowed' : null));
    keyword('notSubmittable', (flag, _d, parentSchema) => (flag && !parentSchema.calculatedProperty ? 'submission disallowed' : null));
  }
}

function repr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pyList(items: string[]): string {
  return `[${items.map(repr).join(', ')}]`;
}
