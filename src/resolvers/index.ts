import type { Resolvers } from '../generated/resolvers-types';
import { encodeQueries } from './encode';
import { fileMutations } from './files';
import { entityResultFields, gdcMutations, gdcQueries } from './gdc';
import { graphQueries } from './graph';
import { infoQueries } from './info';
import { jobFields, jobMutations, jobQueries, jobSubscriptions } from './jobs';
import { scalarResolvers } from './scalars';
import { entityErrorFields, submissionMutations } from './submission';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...infoQueries, ...encodeQueries, ...gdcQueries, ...graphQueries, ...jobQueries },
  Mutation: { ...submissionMutations, ...gdcMutations, ...fileMutations, ...jobMutations },
  Subscription: { ...jobSubscriptions },
  EntityResult: { ...entityResultFields },
  EntityError: { ...entityErrorFields },
  Job: { ...jobFields },
};
