import type { QueryResolvers } from '../generated/resolvers-types';

export const infoQueries: Pick<QueryResolvers, 'gatewayInfo'> = {
  gatewayInfo: (_parent, _args, ctx) => ctx.info,
};
