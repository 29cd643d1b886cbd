/** GDC's entity error types (sheepdog EntityErrors); INVALID_NUMERIC exists upstream but is never raised. */
export const EntityErrors = {
  INVALID_LINK: 'INVALID_LINK',
  INVALID_NUMERIC: 'INVALID_NUMERIC',
  INVALID_PERMISSIONS: 'INVALID_PERMISSIONS',
  INVALID_PROPERTY: 'INVALID_PROPERTY',
  INVALID_TYPE: 'INVALID_TYPE',
  INVALID_VALUE: 'INVALID_VALUE',
  MISSING_PROPERTY: 'MISSING_PROPERTY',
  NOT_UNIQUE: 'NOT_UNIQUE',
  NOT_FOUND: 'NOT_FOUND',
  UNCATEGORIZED: 'ERROR',
} as const;
export type EntityErrorType = (typeof EntityErrors)[keyof typeof EntityErrors];

export interface EntityError {
  keys: string[];
  message: string;
  type: EntityErrorType;
  [extra: string]: unknown;
}

export interface EntityWarning {
  keys: string[];
  message: string;
  [extra: string]: unknown;
}

/**
 * sheepdog's specify_errors: uncategorised (JSON-Schema and graph-validator) errors get a type from their
 * wording, or INVALID_LINK when their first key is an edge of the entity's type.
 */
export function classifyError(error: EntityError, isEdge: (key: string) => boolean): EntityError {
  if (error.type !== EntityErrors.UNCATEGORIZED) return error;
  if (error.message.includes('is not of type')) error.type = EntityErrors.INVALID_VALUE;
  else if (error.message.includes('is a required property')) error.type = EntityErrors.MISSING_PROPERTY;
  else if (error.keys.length && isEdge(error.keys[0])) error.type = EntityErrors.INVALID_LINK;
  return error;
}

/** An HTTP-level failure: `{"message": …}` with a status, as sheepdog's UserError/AuthError/NotFoundError. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const userError = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);
export const forbidden = (reason: string) => new HttpError(403, `You don't have access to this resource: ${reason}`);
export const unauthorized = (message: string) => new HttpError(401, message);

/** The failure summary sheepdog's UploadTransaction.message builds. */
export function failureMessage(entityErrorCount: number, transactionalErrorCount: number): string {
  let message = 'Transaction aborted due to ';
  if (entityErrorCount) message += `${entityErrorCount} invalid ${entityErrorCount > 1 ? 'entities' : 'entity'}`;
  if (entityErrorCount && transactionalErrorCount) message += ' and ';
  if (transactionalErrorCount) message += `${transactionalErrorCount} transactional error(s)`;
  return `${message}.`;
}

export const SUCCESS_MESSAGE = 'Transaction successful.';
export const DRY_RUN_MESSAGE =
  'Transaction would have been successful. User selected dry run option, transaction aborted, no data written to database.';
