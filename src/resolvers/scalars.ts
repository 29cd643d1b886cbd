import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';
import { GraphQLUpload } from 'graphql-upload-minimal';
import { clientRequestError } from '../http/client-errors';

/** graphql-upload's request errors as the caller's (src/http/client-errors.ts), with their HTTP status. */
function uploadError(err: Error): Error {
  const known = clientRequestError(err);
  return known ? new GraphQLError(err.message, { originalError: err, extensions: { code: known.code, http: { status: known.status } } }) : err;
}

/** graphql-upload's scalar, with its request errors answered as the caller's (see uploadError). */
const Upload = new GraphQLScalarType({
  ...GraphQLUpload.toConfig(),
  parseValue(value) {
    const upload = (GraphQLUpload.parseValue(value) as Promise<unknown>).catch((err: Error) => {
      throw uploadError(err);
    });
    // As graphql-upload does for its own promise: a rejection no resolver awaited is not a crash.
    upload.catch(() => undefined);
    return upload;
  },
});

export const scalarResolvers = { JSON: GraphQLJSON, SafeInt: GraphQLSafeInt, Upload };
