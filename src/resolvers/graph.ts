import type { QueryResolvers } from '../generated/resolvers-types';
import type { EncodeRoot } from '../graph/roots';

const ENCODE_ROOT: EncodeRoot = {};

/**
 * Entry point of the typed ENCODE graph; the fields below it are generated from the profiles
 * (src/graph/encode). `gdc(project:)` is generated with the GDC part (src/graph/gdc/resolvers.ts):
 * it sends its whole selection upstream at once.
 */
export const graphQueries: Pick<QueryResolvers, 'encode'> = {
  encode: () => ENCODE_ROOT,
};
