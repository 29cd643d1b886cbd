import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { EncodeProfile } from '../../datasources/encode/models';
import { classifyEncodeMessage, jsonPath } from './errors';
import { jsonschemaMessage, pathParts, valueAt } from './jsonschema-messages';
import { type EntityErrorModel, entityError } from '../result';

/** Formats ENCODE declares but does not check beyond their `pattern` (API notes §3). */
const UNCHECKED_FORMATS = ['hex', 'md5sum', 'gene_name', 'postal-code', 'accession', 'target_label'];

/** A link value to look up: the property, the identifier the record gives, the types it may name. */
export interface LinkRef {
  property: string;
  value: string;
  linkTo: string[];
}

export interface ProfileCheck {
  errors: EntityErrorModel[];
  links: LinkRef[];
}

/** Profile patterns are Python `re`; a few (`\\-` outside a class) need JS's non-unicode mode. */
function pythonRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return new RegExp(pattern, flags.replace('u', ''));
  }
}
pythonRegExp.code = 'pythonRegExp';

/**
 * `linkEnum` (inside `dependencies` and `not`) restricts which record a link names, by uuid; the
 * dry run knows the uuids once it has looked the links up. Unknown links pass here: they are
 * reported as INVALID_LINK on their own.
 */
function compile(profile: EncodeProfile, uuidOf: (value: string) => string | undefined) {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, code: { regExp: pythonRegExp } });
  addFormats(ajv);
  for (const f of UNCHECKED_FORMATS) ajv.addFormat(f, true);
  ajv.addKeyword({
    keyword: 'linkEnum',
    validate: function linkEnum(allowed: string[], data: unknown) {
      const uuid = typeof data === 'string' ? uuidOf(data) : undefined;
      const valid = uuid === undefined || allowed.includes(uuid);
      (linkEnum as { errors?: unknown }).errors = valid ? null : [{ keyword: 'linkEnum', message: `'${String(data)}' is not one of the allowed records`, params: {} }];
      return valid;
    },
    errors: true,
  });
  // The profile's `id` would register it globally; validation needs only its body.
  const { id: _id, $schema: _schema, ...body } = profile;
  return ajv.compile(body);
}

/** The links a record's supplied properties make, to look up before checking it. */
export function linksOf(profile: EncodeProfile, record: Record<string, unknown>, supplied: string[]): LinkRef[] {
  const properties = profile.properties ?? {};
  const links: LinkRef[] = [];
  for (const key of supplied) {
    const schema = properties[key];
    if (!schema) continue;
    const value = record[key];
    const items = schema.items as Record<string, unknown> | undefined;
    if (schema.linkTo && typeof value === 'string') links.push({ property: key, value, linkTo: ([] as string[]).concat(schema.linkTo as string) });
    if (items?.linkTo && Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') links.push({ property: key, value: v, linkTo: ([] as string[]).concat(items.linkTo as string) });
    }
  }
  return links;
}

/**
 * What the portal would say about a record, checked on the gateway for dry runs: JSON schema
 * (with `linkEnum` answered from `uuidOf`, the looked-up links) and properties the caller may not
 * submit. `supplied` are the keys the caller sent (for a PATCH the record is the merged document,
 * whose stored keys are not the caller's).
 */
export function checkAgainstProfile(
  profile: EncodeProfile,
  record: Record<string, unknown>,
  supplied: string[],
  uuidOf: (value: string) => string | undefined = () => undefined,
): ProfileCheck {
  const validate = compile(profile, uuidOf);
  const errors: EntityErrorModel[] = [];
  if (!validate(record)) {
    for (const err of validate.errors ?? []) {
      const parts = pathParts(err.instancePath);
      const message = jsonschemaMessage(err, valueAt(record, parts));
      const key = err.keyword === 'required' ? String((err.params as { missingProperty: string }).missingProperty) : String(parts[0] ?? '');
      errors.push(entityError(classifyEncodeMessage(message), message, key ? [key] : [], jsonPath(parts)));
    }
  }
  const properties = profile.properties ?? {};
  for (const key of supplied) {
    const schema = properties[key];
    if (!schema) continue;
    if (schema.notSubmittable || schema.calculatedProperty) {
      errors.push(entityError('INVALID_PERMISSIONS', 'submission disallowed', [key], key));
    } else if (schema.readonly) {
      errors.push(entityError('INVALID_PERMISSIONS', `permission ${String(schema.permission ?? 'import_items')} required`, [key], key));
    }
  }
  return { errors, links: linksOf(profile, record, supplied) };
}
