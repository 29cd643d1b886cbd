import { GraphQLJSON } from 'graphql-scalars';
import { GraphQLUpload } from 'graphql-upload-minimal';

export const scalarResolvers = { JSON: GraphQLJSON, Upload: GraphQLUpload };
