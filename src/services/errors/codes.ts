/**
 * The one vocabulary of entity errors (schema: `EntityErrorCode`), whichever upstream answered.
 * GDC's entity error types are its core: sheepdog's names are kept, its uncategorised `ERROR`
 * entries are classified by their wording (gdc.ts), ENCODE's answers are mapped onto the same
 * codes (encode.ts), and the gateway's own checks use them too. codegen.yml maps the GraphQL enum
 * onto this type, so a code the schema lacks does not compile.
 */
export const ENTITY_ERROR_CODES = [
  'INVALID_LINK',
  'INVALID_PERMISSIONS',
  'INVALID_PROPERTY',
  'INVALID_TYPE',
  'INVALID_VALUE',
  'MISSING_PROPERTY',
  'NOT_UNIQUE',
  'NOT_FOUND',
  'NOT_ATTEMPTED',
  'UPLOAD_FAILED',
  'UPSTREAM_UNAVAILABLE',
  'ERROR',
] as const;

export type EntityErrorCode = (typeof ENTITY_ERROR_CODES)[number];

const KNOWN = new Set<string>(ENTITY_ERROR_CODES);

export function isEntityErrorCode(value: unknown): value is EntityErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/** A GraphQL error's `extensions.code` (a request-level failure met by one record) as an entity error code. */
export function codeOfRequestError(code: unknown): EntityErrorCode {
  switch (code) {
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return 'INVALID_PERMISSIONS';
    case 'BAD_USER_INPUT':
      return 'INVALID_VALUE';
    case 'UPSTREAM_UNAVAILABLE':
    case 'UPSTREAM_TIMEOUT':
      return 'UPSTREAM_UNAVAILABLE';
    default:
      return isEntityErrorCode(code) ? code : 'ERROR';
  }
}
