import type { EncodeErrorResponse, EncodeValidationError } from '../../datasources/encode/models';
import { type EntityErrorModel, entityError } from '../result';

/** `["reverse", 0, "target"]` → `reverse[0].target`; the portal sends the path as a list. */
export function jsonPath(name: EncodeValidationError['name']): string | null {
  const parts = Array.isArray(name) ? name : name ? [name] : [];
  if (!parts.length) return null;
  return parts
    .map((p, i) => (typeof p === 'number' || /^\d+$/.test(String(p)) ? `[${p}]` : `${i ? '.' : ''}${p}`))
    .join('');
}

const JSON_TYPE = /is not of type '(string|integer|number|boolean|array|object|null)'/;

/**
 * Maps an ENCODE validation message (Python jsonschema + snovault wording) onto the GDC error
 * vocabulary, so callers handle one set of types whichever upstream answered.
 */
export function classifyEncodeMessage(description: string): string {
  if (/is a required property/.test(description)) return 'MISSING_PROPERTY';
  if (/Additional properties are not allowed/.test(description)) return 'INVALID_PROPERTY';
  if (/permission '.*' required|submission disallowed|linkSubmitsFor|submits[ _]for/i.test(description)) return 'INVALID_PERMISSIONS';
  // linkTo failures: "'x' not found", or "… is not of type 'Lab'" naming an item type, not a JSON type.
  if (/ not found$/.test(description)) return 'INVALID_LINK';
  if (/is not of type '/.test(description) && !JSON_TYPE.test(description)) return 'INVALID_LINK';
  return 'INVALID_VALUE';
}

/** Property names an error is about: the first path element, or names quoted in the message. */
function keysOf(e: EncodeValidationError, path: string | null): string[] {
  const first = Array.isArray(e.name) ? e.name.find((p) => typeof p === 'string') : e.name || undefined;
  if (first) return [String(first)];
  const required = /^'([^']+)' is a required property/.exec(e.description);
  if (required) return [required[1]];
  const extra = /\(([^)]+) (?:was|were) unexpected\)/.exec(e.description);
  if (extra) return [...extra[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  return path ? [path] : [];
}

/** `Keys conflict: [('alias', 'lab:x'), ('accession', 'ENC…')]` → the conflicting values. */
export function conflictKeys(detail: string): string[] {
  return [...detail.matchAll(/\('([^']+)',\s*'([^']*)'\)/g)].map((m) => `${m[1]}:${m[2]}`);
}

/** All errors of one failed ENCODE write, in the gateway's vocabulary. */
export function encodeErrorsToEntityErrors(status: number, body: EncodeErrorResponse | undefined): EntityErrorModel[] {
  if (!body) return [entityError('ERROR', `ENCODE portal answered ${status}`)];
  if (status === 422 && Array.isArray(body.errors) && body.errors.length) {
    return body.errors.map((e) => {
      const location = jsonPath(e.name);
      return entityError(classifyEncodeMessage(e.description), e.description, keysOf(e, location), location);
    });
  }
  const detail = body.detail ?? body.description ?? body.title ?? `HTTP ${status}`;
  if (status === 409) return [entityError('NOT_UNIQUE', detail, conflictKeys(detail))];
  if (status === 403) return [entityError('INVALID_PERMISSIONS', detail)];
  if (status === 404) return [entityError('NOT_FOUND', detail)];
  return [entityError(status === 400 ? 'INVALID_VALUE' : 'ERROR', detail)];
}
