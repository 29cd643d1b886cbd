import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';
import { GraphQLUpload } from 'graphql-upload-minimal';

export const scalarResolvers = { JSON: GraphQLJSON, SafeInt: GraphQLSafeInt, Upload: GraphQLUpload };
