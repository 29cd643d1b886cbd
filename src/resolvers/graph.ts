import { parseProject } from '../datasources/gdc/client';
import type { QueryResolvers } from '../generated/resolvers-types';
import type { EncodeRoot, GdcRoot } from '../graph/roots';

const ENCODE_ROOT: EncodeRoot = {};

/** Entry points of the typed graph; the fields below them are generated from the upstream schemas (src/graph/). */
export const graphQueries: Pick<QueryResolvers, 'encode' | 'gdc'> = {
  encode: () => ENCODE_ROOT,
  gdc: (_p, { project }): GdcRoot => {
    parseProject(project); // PROGRAM-PROJECT, checked before any upstream call
    return { project };
  },
};
