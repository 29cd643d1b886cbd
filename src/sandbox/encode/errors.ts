import type { ValidationError } from '../../rules/encode/validation';

/** An error the portal answers with snovault's envelope: `{@type:[Exc,"Error"],status,code,title,description,detail}`. */
export class PortalError extends Error {
  constructor(
    readonly code: number,
    readonly exception: string,
    readonly title: string,
    readonly description: string,
    readonly detail?: string,
    readonly errors?: ValidationError[],
  ) {
    super(detail ?? description);
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      '@type': [this.exception, 'Error'],
      status: 'error',
      code: this.code,
      title: this.title,
      description: this.description,
    };
    if (this.detail !== undefined) body.detail = this.detail;
    if (this.errors) body.errors = this.errors;
    return body;
  }
}

export const notFound = (detail: string) =>
  new PortalError(404, 'HTTPNotFound', 'Not Found', 'The resource could not be found.', detail);

export const forbidden = (detail: string) =>
  new PortalError(403, 'HTTPForbidden', 'Forbidden', 'Access was denied to this resource.', detail);

export const unauthorized = (detail: string) =>
  new PortalError(
    401,
    'HTTPUnauthorized',
    'Unauthorized',
    'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
    detail,
  );

export const badRequest = (detail: string) =>
  new PortalError(400, 'HTTPBadRequest', 'Bad Request', 'The server could not comply with the request since it is either malformed or otherwise incorrect.', detail);

export const conflict = (detail: string) =>
  new PortalError(409, 'HTTPConflict', 'Conflict', 'There was a conflict when trying to complete your request.', detail);

export const methodNotAllowed = (detail: string) =>
  new PortalError(405, 'HTTPMethodNotAllowed', 'Method Not Allowed', 'The method is not allowed for this resource.', detail);

export const validationFailure = (errors: ValidationError[]) =>
  new PortalError(422, 'ValidationFailure', 'Unprocessable Entity', 'Failed validation', undefined, errors);
