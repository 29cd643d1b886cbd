import type { EncodeErrorResponse, EncodeValidationError } from '../../datasources/encode/models';
import type { EntityErrorModel } from '../result';
import type { EntityErrorCode } from './codes';
import { joinWords, reword, wordable } from './words';

/**
 * The ENCODE portal's refusals (snovault's 422 validation errors, 409 key conflicts, 403, 404) in
 * the gateway's shape: codes from the one vocabulary, plain words naming the property and value,
 * the portal's own text kept in `upstreamMessage`. The gateway's dry run validates with the same
 * validator the sandbox portal uses, so its errors come through here too.
 */

/** `["reverse", 0, "target"]` → `reverse[0].target`; the portal sends the path as a list. */
export function jsonPath(name: EncodeValidationError['name']): string | null {
  const parts = Array.isArray(name) ? name : name ? [name] : [];
  if (!parts.length) return null;
  return parts
    .map((p, i) => (typeof p === 'number' || /^\d+$/.test(String(p)) ? `[${p}]` : `${i ? '.' : ''}${p}`))
    .join('');
}

const JSON_TYPE = /is not of type '(string|integer|number|boolean|array|object|null)'/;

/** The code of a validation message none of the plain-word rules knows (snovault's own wordings). */
export function classifyEncodeMessage(description: string): EntityErrorCode {
  const worded = reword(description, '', null);
  if (worded) return worded.code;
  if (/is a required property/.test(description)) return 'MISSING_PROPERTY';
  if (/Additional properties are not allowed/.test(description)) return 'INVALID_PROPERTY';
  if (/permission '.*' required|submission disallowed|linkSubmitsFor|submits[ _]for/i.test(description)) return 'INVALID_PERMISSIONS';
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

/** `Keys conflict: [('alias', 'lab:x'), ('accession', 'ENC…')]` → `alias:lab:x`, `accession:ENC…` (namespace:value). */
export function conflictKeys(detail: string): string[] {
  return [...detail.matchAll(/\('([^']+)',\s*'([^']*)'\)/g)].map((m) => `${m[1]}:${m[2]}`);
}

/** The property a unique-key namespace is kept in: `alias` → aliases, `lab:name` → name, an md5 alias → md5sum. */
function conflictProperty(namespace: string, value: string): string {
  if (namespace === 'alias') return value.startsWith('md5:') ? 'md5sum' : 'aliases';
  const at = namespace.indexOf(':');
  return at >= 0 ? namespace.slice(at + 1) : namespace;
}

function conflict(detail: string): EntityErrorModel {
  const pairs = [...detail.matchAll(/\('([^']+)',\s*'([^']*)'\)/g)].map((m) => ({ property: conflictProperty(m[1], m[2]), value: m[2] }));
  const named = pairs.map((p) => `${p.property === 'aliases' ? 'alias' : p.property} '${p.value}'`);
  const message = pairs.length ? `${joinWords(named)} already ${pairs.length > 1 ? 'belong' : 'belongs'} to another record` : 'a unique key of this record already belongs to another record';
  return { type: 'NOT_UNIQUE', message, keys: [...new Set(pairs.map((p) => p.property))], location: null, upstreamMessage: detail };
}

/** The alias pattern lists every lab of the portal (kilobytes): what it asks for, in words. */
function aliasForm(description: string, location: string | null): { code: EntityErrorCode; why: string } | null {
  const m = /^'((?:[^'\\]|\\.)*)' does not match /.exec(description);
  if (!m || !location?.startsWith('aliases[')) return null;
  return { code: 'INVALID_VALUE', why: `${location} '${m[1]}' is not an alias the portal accepts: it must be '<lab name>:<name>', with the name of a lab the portal knows` };
}

/** One 422 entry: plain words about the property at its path. */
function validationError(e: EncodeValidationError, itemType: string | null): EntityErrorModel {
  const location = jsonPath(e.name);
  const text = wordable(e.description);
  const worded = aliasForm(text, location) ?? reword(text, location ?? '', itemType);
  return {
    type: worded?.code ?? classifyEncodeMessage(text),
    message: worded?.why ?? (location ? `${location}: ${text}` : text),
    keys: keysOf(e, location),
    location,
    upstreamMessage: e.description,
  };
}

const BY_STATUS: Record<number, EntityErrorCode> = { 400: 'INVALID_VALUE', 403: 'INVALID_PERMISSIONS', 404: 'NOT_FOUND' };

/** All errors of one failed ENCODE write (or of the gateway's check of one), in the gateway's shape. */
export function encodeErrorsToEntityErrors(status: number, body: EncodeErrorResponse | undefined, itemType: string | null = null): EntityErrorModel[] {
  if (!body) return [{ type: 'ERROR', message: `the ENCODE portal answered HTTP ${status} without an error body`, keys: [], location: null, upstreamMessage: null }];
  if (status === 422 && Array.isArray(body.errors) && body.errors.length) return body.errors.map((e) => validationError(e, itemType));
  const detail = body.detail ?? body.description ?? body.title ?? `HTTP ${status}`;
  if (status === 409) return [conflict(detail)];
  const why = `the ENCODE portal refused the write (HTTP ${status}): ${detail}`;
  return [{ type: BY_STATUS[status] ?? 'ERROR', message: why, keys: [], location: null, upstreamMessage: detail }];
}
