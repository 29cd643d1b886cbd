/**
 * Resolvers of the generated ENCODE types. Records are the portal's object frame: scalar fields
 * read it, link fields hand the @id paths it holds to the per-request record loader, so every
 * level of a query costs one batched upstream request, and a record met twice is fetched once.
 * Objects the frame already holds (embedded objects, embedded links) cost nothing.
 */
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import type { GatewayContext } from '../../context';
import { classifyIdentifier } from '../../datasources/encode/identifiers';
import type { EncodeRecord } from '../../datasources/encode/models';
import { badInput } from '../../services/documents';
import { unknownName } from '../../services/not-found';
import { type ConnectionModel, cursorScope } from '../cursors';
import { createEntities, toUpstream } from '../inputs';
import type { NamedRef, ObjectField, Shape } from '../shapes';
import type { EncodeGraphModel, EncodeTypeModel } from './model';
import { createMutationName } from './sdl';

type Resolver = GraphQLFieldResolver<any, GatewayContext, any>;
type ResolverMap = Record<string, any>;

export const MAX_LIMIT = 10_000;

interface FilterArg {
  field: string;
  values: string[];
}

function linkCardinality(shape: Shape): 'one' | 'many' | null {
  if (shape.kind === 'link') return 'one';
  if (shape.kind === 'list' && shape.of.kind === 'link') return 'many';
  return null;
}

function loadLink(ctx: GatewayContext, value: unknown): Promise<EncodeRecord | null> | EncodeRecord | null {
  if (typeof value === 'string') return ctx.loaders.encode.record.load(value);
  // Already embedded by the frame: nothing to fetch.
  if (value && typeof value === 'object') return value as EncodeRecord;
  return null;
}

function fieldResolver(f: ObjectField): Resolver | undefined {
  const key = f.key;
  switch (linkCardinality(f.shape)) {
    case 'one':
      return (parent, _args, ctx) => loadLink(ctx, parent[key]);
    case 'many':
      return (parent, _args, ctx) => {
        const value = parent[key];
        if (!Array.isArray(value)) return value == null ? null : [loadLink(ctx, value)];
        return value.map((v) => loadLink(ctx, v));
      };
    default:
      // graphql-js's default resolver reads `parent[fieldName]`; only renamed properties need one.
      return f.name === key ? undefined : (parent) => parent[key];
  }
}

function fieldResolvers(fields: ObjectField[]): ResolverMap {
  const out: ResolverMap = {};
  for (const f of fields) {
    const r = fieldResolver(f);
    if (r) out[f.name] = r;
  }
  return out;
}

const RECORD_RESOLVERS: ResolverMap = {
  id: (r: EncodeRecord) => r.uuid,
  atId: (r: EncodeRecord) => r['@id'],
  atType: (r: EncodeRecord) => r['@type'] ?? [],
  raw: (r: EncodeRecord) => r,
};

export function filterPairs(filters: FilterArg[] | null | undefined): [string, string][] {
  return (filters ?? []).flatMap((f) => f.values.map((v): [string, string] => [f.field, v]));
}

export function checkPage(limit: number, from: number): void {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw badInput(`limit must be between 0 and ${MAX_LIMIT}`, 'limit');
  if (!Number.isInteger(from) || from < 0) throw badInput('from must be 0 or more', 'from');
}

/** The concrete GraphQL type of a record, from the portal's `@type` (most specific first). */
function typeResolver(model: EncodeGraphModel, version: string) {
  return (record: EncodeRecord) => {
    const name = record?.['@type']?.[0];
    const type = name ? model.types.get(name) : undefined;
    if (type && !type.abstract) return type.gqlName;
    throw new GraphQLError(
      `ENCODE record ${record?.['@id'] ?? '?'} is of type ${name ?? 'unknown'}, which the live schema (${version}) has no profile for; the gateway re-reads the profiles every SCHEMA_REFRESH_SECONDS`,
      { extensions: { code: 'SCHEMA_OUT_OF_DATE' } },
    );
  };
}

function isA(record: EncodeRecord, type: EncodeTypeModel): boolean {
  return (record['@type'] ?? []).includes(type.name);
}

/**
 * The loader key for `<profile>(id:)`. A bare key (a lab's name, an award's name) goes to its
 * collection, which the portal resolves by the type's unique keys; other identifiers go as they
 * are (the client reads an accession at its canonical path).
 */
function lookupKey(type: EncodeTypeModel, id: string): string {
  if (classifyIdentifier(id).field === null && !id.includes('/')) return `/${type.collectionPath}/${encodeURIComponent(id)}/`;
  return id;
}

function queryResolvers(model: EncodeGraphModel): ResolverMap {
  const out: ResolverMap = {};
  for (const type of model.types.values()) {
    out[type.itemType] = async (_p: unknown, { id }: { id: string }, ctx: GatewayContext) => {
      const record = await ctx.loaders.encode.record.load(lookupKey(type, id));
      if (!record) return null;
      if (!isA(record, type)) {
        throw badInput(`ENCODE record '${id}' is a ${record['@type']?.[0] ?? 'record of unknown type'}, not a ${type.name}`, 'id');
      }
      return record;
    };
    out[type.listField] = (_p: unknown, args: { filters?: FilterArg[]; limit: number; from: number }, ctx: GatewayContext) =>
      searchRecords(ctx, type.name, args);
    out[`${type.listField}Connection`] = (_p: unknown, args: ConnectionArgs, ctx: GatewayContext) => recordConnection(ctx, type, args);
  }
  out.search = (_p: unknown, args: { type: string; filters?: FilterArg[]; limit: number; from: number }, ctx: GatewayContext) => {
    const type = model.types.get(args.type) ?? [...model.types.values()].find((t) => t.itemType === args.type);
    if (!type && args.type !== 'Item') {
      throw unknownName('ENCODE type', args.type, ['Item', ...[...model.types.values()].flatMap((t) => [t.name, t.itemType])], 'type');
    }
    return searchRecords(ctx, type?.name ?? 'Item', args);
  };
  return out;
}

async function searchRecords(ctx: GatewayContext, type: string, args: { filters?: FilterArg[] | null; limit: number; from: number }) {
  checkPage(args.limit, args.from);
  if (args.limit === 0) return [];
  const page = await ctx.encode.search({ type, filters: filterPairs(args.filters), limit: args.limit, from: args.from, frame: 'object' });
  // Records met again further down the query (or linked) are then free.
  for (const record of page.records) ctx.loaders.encode.prime(record);
  return page.records;
}

interface ConnectionArgs {
  filters?: FilterArg[] | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

function checkCount(n: number, argument: string): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_LIMIT) throw badInput(`${argument} must be between 0 and ${MAX_LIMIT}`, argument);
  return n;
}

/**
 * One page of a search as a Relay connection: one portal search (`limit`/`from` from the
 * cursors), two only for `last` without `before`, which needs the total first.
 */
async function recordConnection(ctx: GatewayContext, type: EncodeTypeModel, args: ConnectionArgs): Promise<ConnectionModel<EncodeRecord>> {
  const filters = filterPairs(args.filters);
  const scope = cursorScope('encode', type.name, filters);
  if (args.after != null && args.before != null) throw badInput('give after or before, not both', 'before');
  const search = (limit: number, from: number) => ctx.encode.search({ type: type.name, filters, limit, from, frame: 'object' });
  let from: number;
  let limit: number;
  if (args.last != null) {
    const last = checkCount(args.last, 'last');
    let end = args.before != null ? ctx.cursors.decode(args.before, scope, 'before') : null;
    if (end === null) end = (await search(1, 0)).total;
    from = Math.max(0, end - last);
    limit = end - from;
  } else {
    limit = checkCount(args.first ?? 25, 'first');
    from = args.after != null ? ctx.cursors.decode(args.after, scope, 'after') + 1 : 0;
  }
  // A page of none still asks for one record: the portal's total is the answer's totalCount.
  const page = await search(Math.max(limit, 1), from);
  const records = page.records.slice(0, limit);
  for (const record of records) ctx.loaders.encode.prime(record);
  return ctx.cursors.connection(scope, records, from, from + records.length < page.total, page.total);
}

function mutationResolvers(model: EncodeGraphModel): ResolverMap {
  const out: ResolverMap = {};
  for (const type of model.types.values()) {
    if (type.abstract || !type.inputFields.length) continue;
    const fields = type.inputFields;
    out[createMutationName(type)] = (_p: unknown, args: Record<string, any>, ctx: GatewayContext, info: any) => {
      const { records, ...options } = args;
      const entities = (records as Record<string, unknown>[]).map((r) => toUpstream(r, fields));
      return createEntities({ source: 'ENCODE', profile: type.itemType, entities, ...options }, ctx, info);
    };
  }
  return out;
}

/** Every resolver of the generated ENCODE part, for one model (one schema version). */
export function encodeResolvers(model: EncodeGraphModel, declared: NamedRef[], version: string): ResolverMap {
  const resolvers: ResolverMap = {};
  const resolveType = typeResolver(model, version);
  for (const type of model.types.values()) {
    if (type.abstract) resolvers[type.gqlName] = { __resolveType: resolveType };
    else resolvers[type.gqlName] = { ...RECORD_RESOLVERS, ...fieldResolvers(type.fields) };
  }
  for (const union of model.unions.keys()) resolvers[union] = { __resolveType: resolveType };
  for (const ref of declared) if (ref.kind === 'object') resolvers[ref.name!] = fieldResolvers(ref.fields!);
  resolvers.EncodeRecord = { __resolveType: resolveType };
  resolvers.EncodeQuery = queryResolvers(model);
  const mutations = mutationResolvers(model);
  if (Object.keys(mutations).length) resolvers.Mutation = mutations;
  return resolvers;
}

