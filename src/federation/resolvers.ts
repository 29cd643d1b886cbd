/**
 * Resolvers of the federation fields, for one schema version: `_service` prints the schema the
 * request runs on; `_entities` answers every representation in its place, ENCODE ones through
 * the request's record loader, GDC ones in one submission GraphQL query.
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context';
import type { GdcGraphModel } from '../graph/gdc/model';
import { badInput } from '../services/documents';
import { encodeEntity, encodeKeyOf, type Representation } from './encode-entities';
import { gdcEntities, gdcKeyOf } from './gdc-entities';
import type { EntityType } from './keys';
import { subgraphSdl } from './print';

type GdcItem = { index: number; entity: Extract<EntityType, { source: 'GDC' }>; rep: Representation };

/** Most representations a router may send in one `_entities` call (as many as `encodeRecords` ids at most). */
export const MAX_REPRESENTATIONS = 10_000;
/** Most GDC projects one call may name: each is a root field of the one upstream query. */
export const MAX_GDC_PROJECTS = 100;

/**
 * Every representation names an entity type and one of its keys, and the call names few enough
 * GDC projects; else the call is refused whole, before any upstream request, naming the first
 * wrong one. A wrong representation is a router's or caller's bug, not data: one error says it,
 * where thousands of errors in place would cost more to format than the lookups themselves.
 */
function checkRepresentations(representations: unknown[], entities: Map<string, EntityType>): void {
  if (representations.length > MAX_REPRESENTATIONS) throw badInput(`at most ${MAX_REPRESENTATIONS} representations in one call`, 'representations');
  const projects = new Set<string>();
  representations.forEach((value, index) => {
    const rep = value as Representation;
    const entity = rep && typeof rep === 'object' ? entities.get(String(rep.__typename)) : undefined;
    if (!entity) throw badInput(`representation ${index}: ${JSON.stringify(rep?.__typename ?? null)} is not an entity type of this subgraph`, 'representations');
    try {
      if (entity.source === 'ENCODE') encodeKeyOf(entity, rep);
      else {
        const key = gdcKeyOf(entity, rep);
        if (key.by === 'project') projects.add(key.project);
      }
    } catch (err) {
      throw badInput(`representation ${index}: ${(err as Error).message}`, 'representations');
    }
    if (projects.size > MAX_GDC_PROJECTS) throw badInput(`at most ${MAX_GDC_PROJECTS} GDC projects in one call (representation ${index} names one more)`, 'representations');
  });
}

export function federationResolvers(entities: Map<string, EntityType>, gdc: GdcGraphModel): Record<string, any> {
  // Which entity type each answered object was asked as: records are shared by the request's loader
  // cache, so the type is kept beside them rather than written on them.
  const typeOf = new WeakMap<object, string>();
  const query: Record<string, any> = { _service: (_p: unknown, _a: unknown, _c: unknown, info: GraphQLResolveInfo) => ({ sdl: subgraphSdl(info.schema) }) };
  if (!entities.size) return { Query: query };

  query._entities = async (_p: unknown, { representations }: { representations: unknown[] }, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    checkRepresentations(representations, entities);
    const results: unknown[] = new Array(representations.length).fill(null);
    const encode: Promise<void>[] = [];
    const gdcItems: GdcItem[] = [];
    representations.forEach((value, index) => {
      const rep = value as Representation;
      const entity = entities.get(rep.__typename)!;
      if (entity.source === 'GDC') {
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
