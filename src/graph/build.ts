/**
 * One executable schema: the static SDL in schema/ with its resolvers, merged by
 * @graphql-tools/schema with the part generated from the upstreams' own schemas. Everything a
 * generated resolver needs is closed over here, so a schema and its resolvers always belong to
 * one version, and a request runs to its end on the schema it started with.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import { type GraphQLSchema, parse } from 'graphql';
import type { ProfileSet } from '../rules/encode/profiles';
import { entityTypes } from '../federation/keys';
import { federationResolvers } from '../federation/resolvers';
import { federate } from '../federation/schema';
import { completeListsInTurns } from '../plugins/list-turns';
import { compactDocument } from './document';
import { buildEncodeModel } from './encode/model';
import { encodeResolvers } from './encode/resolvers';
import { encodeSdl } from './encode/sdl';
import { buildGdcModel } from './gdc/model';
import { gdcResolvers } from './gdc/resolvers';
import { gdcSdl } from './gdc/sdl';
import { splitAll } from '../rules/gdc/dictionary/load';
import { Dictionary } from '../rules/gdc/dictionary/model';
import { parentFirstRanks } from '../rules/gdc/dictionary/order';
import type { JsonObject } from '../rules/gdc/dictionary/resolve';
import type { Json } from './shapes';
import { relayResolvers } from './relay';
import type { GraphSources } from './sources';
import { gdcFingerprint, profilesFingerprint, type SchemaVersionModel, versionId } from './version';

export interface StaticSchema {
  typeDefs: string[];
  resolvers: IResolvers;
}

export interface BuiltGraph {
  schema: GraphQLSchema;
  version: SchemaVersionModel;
  /**
   * GDC node types ranked parents first, from the same dictionary read: chunked submissions order
   * their entities by it instead of reading the 9 MB dictionary again per mutation. Null without one.
   */
  gdcParentRanks: Map<string, number> | null;
}

/** The generated ENCODE part: SDL and resolvers; empty when the profiles could not be read. */
function encodePart(profiles: ProfileSet | null, version: string) {
  // Without profiles the part is empty, but `search` still answers (and says why types are missing).
  const model = buildEncodeModel(profiles);
  // encodeSdl names the nested types; the resolvers need those names.
  const { blocks, declared } = encodeSdl(model);
  return { model, blocks, resolvers: encodeResolvers(model, declared, version), count: model.types.size };
}

/** The generated GDC part; without a dictionary only `gdc(project:) { project }` remains. */
function gdcPart(dictionary: Record<string, any> | null) {
  const model = buildGdcModel(dictionary ?? {});
  const { blocks } = gdcSdl(model);
  return { model, blocks: model.nodes.size ? blocks : [], resolvers: gdcResolvers(model), count: model.nodes.size };
}

export function buildGraph(sources: GraphSources, base: StaticSchema, now = new Date()): BuiltGraph {
  const encodeHash = sources.encodeProfiles ? profilesFingerprint(sources.encodeProfiles) : null;
  const gdcHash = gdcFingerprint(sources);
  const id = versionId(encodeHash, gdcHash);
  const encode = encodePart(sources.encodeProfiles, id);
  const gdc = gdcPart(sources.gdcDictionary);
  const version: SchemaVersionModel = {
    id,
    encodeProfiles: encodeHash,
    gdcDictionary: gdcHash,
    encodeProfileCount: encode.count,
    gdcNodeCount: gdc.count,
    generatedAt: now.toISOString(),
    problems: sources.problems,
  };
  const relay = relayResolvers(encode.model, gdc.model, encode.resolvers.EncodeRecord?.__resolveType, gdc.resolvers.GdcEntity?.__resolveType);
  // The served schema is a Federation 2 subgraph (src/federation/): entities carry their keys.
  const entities = entityTypes(encode.model, gdc.model);
  const schema = makeExecutableSchema({
    typeDefs: federate([...base.typeDefs.map((t) => parse(t, { noLocation: true })), compactDocument([...encode.blocks, ...gdc.blocks])], entities),
    resolvers: [base.resolvers, encode.resolvers, gdc.resolvers, relay, federationResolvers(entities, gdc.model), { GatewayInfo: { schemaVersion: () => version } }] as IResolvers[],
    // The schema is built for this version only: no copy to attach the resolvers to.
    updateResolversInPlace: true,
  });
  // Long lists (a failed document's 20,000 entity results) complete with turns of the event loop.
  completeListsInTurns(schema);
  return { schema, version, gdcParentRanks: sources.gdcDictionary ? gdcParentRanks(sources.gdcDictionary) : null };
}

function gdcParentRanks(dictionary: Json): Map<string, number> | null {
  try {
    return parentFirstRanks(new Dictionary(splitAll(dictionary as Record<string, JsonObject>)));
  } catch {
    return null; // a dictionary the ranks cannot be read from: chunked submissions read it themselves
  }
}
