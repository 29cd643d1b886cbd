/**
 * Relay's global object identification over both systems: `Query.node(id:)` and
 * `Query.nodes(ids:)`. An id is the upstream uuid, which does not say its system, so a batch asks
 * both at once: one ENCODE search of the uuids (the index loader: no per-id fallback GETs, which
 * ids of the other system would all trigger) and one GDC `node(ids:)` query, which needs no
 * project. Each id is found in at most one of them; an id already found in one (id-systems.ts) is
 * asked of that one only.
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context';
import type { EncodeRecord } from '../datasources/encode/models';
import { badInput } from '../services/documents';
import type { EncodeGraphModel } from './encode/model';
import { NODES_SUFFIX, upstreamNodesQuery } from './gdc/delegate';
import type { GdcGraphModel } from './gdc/model';
import { IdSystems } from './id-systems';

type ResolveType = (value: any) => string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkIds(ids: readonly string[]): void {
  ids.forEach((id, i) => {
    if (!UUID.test(id)) throw badInput(`ids[${i}] '${id.slice(0, 80)}' is not a node id: ENCODE records and GDC entities are identified by their uuid`, 'ids');
  });
}

async function encodeNodes(ctx: GatewayContext, ids: string[]): Promise<Map<string, EncodeRecord>> {
  const found = new Map<string, EncodeRecord>();
  const records = await ctx.loaders.encode.indexed.loadMany(ids);
  records.forEach((r) => {
    if (r instanceof Error) throw r;
    if (r) found.set(r.uuid.toLowerCase(), r);
  });
  return found;
}

async function gdcNodes(ctx: GatewayContext, info: GraphQLResolveInfo, model: GdcGraphModel, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const { query, variables } = upstreamNodesQuery(info, model, ids);
  const answer = await ctx.gdc.graphql(query, variables);
  if (answer.errors.length) {
    throw new GraphQLError(`GDC submission GraphQL: ${answer.errors.join('; ')}`, { extensions: { code: 'UPSTREAM_ERROR', upstream: 'GDC', upstreamErrors: answer.errors } });
  }
  // `nodes`, and one `<type>__nodes` list per type upstream's node interface leaves out.
  const lists = Object.entries((answer.data ?? {}) as Record<string, Record<string, unknown>[] | null>).filter(([key]) => key === 'nodes' || key.endsWith(NODES_SUFFIX));
  const entities = lists.flatMap(([, list]) => list ?? []).filter(Boolean);
  return new Map(entities.map((e) => [String(e.id).toLowerCase(), e]));
}

export function relayResolvers(encode: EncodeGraphModel, gdc: GdcGraphModel, resolveEncode: ResolveType | undefined, resolveGdc: ResolveType | undefined) {
  const systems = new IdSystems();
  const nodes = async (_p: unknown, { ids }: { ids: string[] }, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    checkIds(ids);
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (!unique.length) return [];
    const askEncode = encode.types.size ? unique.filter((id) => systems.get(id) !== 'GDC') : [];
    const askGdc = gdc.nodes.size ? unique.filter((id) => systems.get(id) !== 'ENCODE') : [];
    const [fromEncode, fromGdc] = await Promise.all([
      askEncode.length ? encodeNodes(ctx, askEncode) : new Map<string, EncodeRecord>(),
      askGdc.length ? gdcNodes(ctx, info, gdc, askGdc) : new Map<string, Record<string, unknown>>(),
    ]);
    systems.remember(fromEncode.keys(), 'ENCODE');
    systems.remember(fromGdc.keys(), 'GDC');
    return ids.map((id) => fromEncode.get(id.toLowerCase()) ?? fromGdc.get(id.toLowerCase()) ?? null);
  };
  return {
    Query: {
      nodes,
      node: async (p: unknown, { id }: { id: string }, ctx: GatewayContext, info: GraphQLResolveInfo) => (await nodes(p, { ids: [id] }, ctx, info))[0],
    },
    Node: {
      // ENCODE records carry the portal's @type; GDC entities the upstream type the query asked for.
      __resolveType: (value: Record<string, unknown>) => {
        const resolve = Array.isArray(value['@type']) ? resolveEncode : resolveGdc;
        if (!resolve) throw new GraphQLError('This node belongs to an upstream whose schema the live graph lacks', { extensions: { code: 'SCHEMA_OUT_OF_DATE' } });
        return resolve(value);
      },
    },
  };
}
