/**
 * Resolvers of the federation fields, for one schema version: `_service` prints the schema the
 * request runs on; `_entities` answers every representation in its place, ENCODE ones through
 * the request's record loader, GDC ones in one submission GraphQL query.
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context';
import type { GdcGraphModel } from '../graph/gdc/model';
import { badInput } from '../services/documents';
import { encodeEntity, type Representation } from './encode-entities';
import { gdcEntities } from './gdc-entities';
import type { EntityType } from './keys';
import { subgraphSdl } from './print';

type GdcItem = { index: number; entity: Extract<EntityType, { source: 'GDC' }>; rep: Representation };

/** Most representations a router may send in one `_entities` call (as many as `encodeRecords` ids at most). */
export const MAX_REPRESENTATIONS = 10_000;

export function federationResolvers(entities: Map<string, EntityType>, gdc: GdcGraphModel): Record<string, any> {
  // Which entity type each answered object was asked as: records are shared by the request's loader
  // cache, so the type is kept beside them rather than written on them.
  const typeOf = new WeakMap<object, string>();
  const query: Record<string, any> = { _service: (_p: unknown, _a: unknown, _c: unknown, info: GraphQLResolveInfo) => ({ sdl: subgraphSdl(info.schema) }) };
  if (!entities.size) return { Query: query };

  query._entities = async (_p: unknown, { representations }: { representations: unknown[] }, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    if (representations.length > MAX_REPRESENTATIONS) throw badInput(`at most ${MAX_REPRESENTATIONS} representations in one call`, 'representations');
    const results: unknown[] = new Array(representations.length).fill(null);
    const encode: Promise<void>[] = [];
    const gdcItems: GdcItem[] = [];
    representations.forEach((value, index) => {
      const rep = value as Representation;
      const entity = rep && typeof rep === 'object' ? entities.get(String(rep.__typename)) : undefined;
      if (!entity) {
        results[index] = badInput(`representation ${index}: ${JSON.stringify((rep as Representation | null)?.__typename ?? null)} is not an entity type of this subgraph`, 'representations');
      } else if (entity.source === 'GDC') {
        gdcItems.push({ index, entity, rep });
      } else {
        encode.push(
          encodeEntity(ctx, entity, rep).then(
            (record) => void (results[index] = record),
            (err) => void (results[index] = err),
          ),
        );
      }
    });
    await Promise.all([...encode, gdcItems.length ? gdcEntities(ctx, gdc, gdcItems, results, info) : undefined]);
    return results.map((r, index) => {
      if (r && typeof r === 'object' && !(r instanceof Error)) typeOf.set(r, (representations[index] as Representation).__typename);
      return r;
    });
  };
  return {
    Query: query,
    _Entity: {
      __resolveType: (value: object) => {
        const name = typeOf.get(value);
        if (name) return name;
        throw new GraphQLError('an entity answered without the type it was asked as', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
  };
}
