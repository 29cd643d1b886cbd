import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { EncodeProfile } from '../datasources/encode/models';
import { classifyEncodeMessage, jsonPath } from './encode-errors';
import { jsonschemaMessage, pathParts, valueAt } from './jsonschema-messages';
import { type EntityErrorModel, entityError } from './result';

/** Formats ENCODE declares but does not check beyond their `pattern` (API notes §3). */
const UNCHECKED_FORMATS = ['hex', 'md5sum', 'gene_name', 'postal-code', 'accession', 'target_label'];

/** A link value to look up: the property and the identifier the record gives. */
export interface LinkRef {
  property: string;
  value: string;
}

export interface ProfileCheck {
  errors: EntityErrorModel[];
  links: LinkRef[];
}

function compile(profile: EncodeProfile) {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const f of UNCHECKED_FORMATS) ajv.addFormat(f, true);
  // The profile's `id` would register it globally; validation needs only its body.
  const { id: _id, $schema: _schema, ...body } = profile;
  return ajv.compile(body);
}

/**
 * What the portal would say about a record, checked on the gateway for dry runs: JSON schema,
 * properties the caller may not submit, and the links to look up. `supplied` are the keys the
 * caller sent (for a PATCH the record is the merged document, whose stored keys are not the caller's).
 */
export function checkAgainstProfile(profile: EncodeProfile, record: Record<string, unknown>, supplied: string[]): ProfileCheck {
  const validate = compile(profile);
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
  const links: LinkRef[] = [];
  for (const key of supplied) {
    const schema = properties[key];
    if (!schema) continue;
    if (schema.notSubmittable || schema.calculatedProperty) {
      errors.push(entityError('INVALID_PERMISSIONS', 'submission disallowed', [key], key));
    } else if (schema.readonly) {
      errors.push(entityError('INVALID_PERMISSIONS', `permission ${String(schema.permission ?? 'import_items')} required`, [key], key));
    }
    const value = record[key];
    const items = schema.items as Record<string, unknown> | undefined;
    if (schema.linkTo && typeof value === 'string') links.push({ property: key, value });
    if (items?.linkTo && Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') links.push({ property: key, value: v });
    }
  }
  return { errors, links };
}
