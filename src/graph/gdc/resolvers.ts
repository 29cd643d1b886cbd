/**
 * Resolvers of the generated GDC types. `gdc(project:)` sends its whole selection to GDC's
 * submission GraphQL as one query (see delegate.ts); every field below it reads the answer by its
 * response name (alias or field name), exactly as upstream keyed it.
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../../context';
import { parseProject } from '../../datasources/gdc/client';
import { projectNotFound } from '../../services/gdc/projects';
import { createEntities, toUpstream } from '../inputs';
import type { GdcRoot } from '../roots';
import type { ObjectField } from '../shapes';
import type { GdcEntityModel } from '../roots';
import { gdcPage, upstreamQuery } from './delegate';
import { ENTITY_FIELDS, type GdcGraphModel, type GdcNodeModel } from './model';
import { createMutationName, submissionFields } from './sdl';

type ResolverMap = Record<string, any>;

/** Upstream's error strings, kept on every object of an answer that had errors. */
const ERRORS = Symbol('gdc-upstream-errors');

export function upstreamErrors(errors: string[]): GraphQLError {
  return new GraphQLError(`GDC submission GraphQL: ${errors.join('; ')}`, {
    extensions: { code: 'UPSTREAM_ERROR', upstream: 'GDC', upstreamErrors: errors },
  });
}

export function markErrors(value: unknown, errors: string[]): void {
  if (Array.isArray(value)) value.forEach((v) => markErrors(v, errors));
  else if (value && typeof value === 'object') {
    Object.defineProperty(value, ERRORS, { value: errors, enumerable: false });
    for (const v of Object.values(value)) markErrors(v, errors);
  }
}

/** Reads the answer by response name; a value upstream could not give is the upstream's error there. */
function byResponseKey(parent: Record<string | symbol, unknown>, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo): unknown {
  const value = parent[info.path.key as string];
  if (value === null || value === undefined) {
    const errors = parent[ERRORS] as string[] | undefined;
    if (errors?.length) throw upstreamErrors(errors);
    return null;
  }
  return value;
}

export interface GdcRootValue extends GdcRoot {
  data: Record<string, unknown>;
}

function gdcRoot(model: GdcGraphModel) {
  return async (_p: unknown, { project }: { project: string }, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<GdcRootValue> => {
    parseProject(project); // PROGRAM-PROJECT, checked before any upstream call
    const query = upstreamQuery(info, model, project, ctx.cursors);
    if (!query) return { project, data: {} };
    const answer = await ctx.gdc.graphql(query);
    const data = (answer.data && typeof answer.data === 'object' ? answer.data : {}) as Record<string, unknown>;
    if (answer.errors.length) {
      if (!Object.keys(data).length) throw upstreamErrors(answer.errors);
      markErrors(data, answer.errors);
    }
    // Nothing at all (no entity, every count 0): a project GDC does not have is NOT_FOUND, not `_case_count: 0`.
    if (!answer.errors.length && Object.values(data).every(isEmptyAnswer)) {
      const missing = await projectNotFound(ctx.gdc, project);
      if (missing) throw missing;
    }
    return { project, data };
  };
}

/** A connection from what `<key>__items` and `<key>__count` brought back (see delegate.ts). */
function connectionResolver(label: string) {
  return (root: GdcRootValue, args: Record<string, unknown>, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    const page = gdcPage(ctx.cursors, root.project, label, args);
    const key = String(info.path.key);
    const data = root.data as Record<string | symbol, unknown>;
    const items = data[`${key}__items`];
    const count = data[`${key}__count`];
    const errors = data[ERRORS] as string[] | undefined;
    if ((items === null || count === null) && errors?.length) throw upstreamErrors(errors);
    const list = Array.isArray(items) ? (items as GdcEntityModel[]) : [];
    return ctx.cursors.connection(page.scope, list.slice(0, page.first), page.from, list.length > page.first, typeof count === 'number' ? count : null);
  };
}

function isEmptyAnswer(value: unknown): boolean {
  return value === null || value === 0 || (Array.isArray(value) && value.length === 0);
}

function typeFields(model: GdcGraphModel, node: GdcNodeModel): string[] {
  return [
    ...ENTITY_FIELDS,
    ...node.fields.map((f) => f.name),
    ...node.edges.flatMap((e) => [e.name, `_${e.name}_count`]),
    ...(node.cachesCases && model.nodes.has('case') ? ['_related_cases'] : []),
    '_links',
  ];
}

function mutations(model: GdcGraphModel): ResolverMap {
  const out: ResolverMap = {};
  for (const node of model.nodes.values()) {
    if (!node.submittable) continue;
    const passThrough = (name: string): ObjectField => ({ name, key: name, shape: { kind: 'scalar', scalar: 'JSON' }, required: false, hasDefault: false, submittable: true });
    const fields = [passThrough('id'), ...submissionFields(node), ...node.edges.filter((e) => e.kind === 'link').map((e) => passThrough(e.name))];
    out[createMutationName(node)] = (_p: unknown, args: Record<string, any>, ctx: GatewayContext, info: GraphQLResolveInfo) => {
      const { project, entities, ...options } = args;
      const documents = (entities as Record<string, unknown>[]).map((e) => ({ type: node.label, ...toUpstream(e, fields) }));
      return createEntities({ source: 'GDC', project, entities: documents, ...options }, ctx, info);
    };
  }
  return out;
}

export function gdcResolvers(model: GdcGraphModel): ResolverMap {
  const resolvers: ResolverMap = {};
  const node = (root: GdcRootValue, a: unknown, c: unknown, i: GraphQLResolveInfo) => byResponseKey(root.data, a, c, i);
  // Without a dictionary the GDC part is `gdc(project:) { node }` alone (see schemaVersion.problems).
  if (!model.nodes.size) return { Query: { gdc: gdcRoot(model) }, GdcQuery: { node } };
  const byLabel = new Map([...model.nodes.values()].map((n) => [n.label, n.gqlName]));
  resolvers.GdcEntity = {
    __resolveType: (entity: Record<string, unknown>) => {
      const name = byLabel.get(String(entity.__typename ?? entity.type));
      if (name) return name;
      throw new GraphQLError(`GDC entity of type ${String(entity.__typename ?? entity.type)} is not in the live schema's dictionary`, { extensions: { code: 'SCHEMA_OUT_OF_DATE' } });
    },
  };
  for (const node of model.nodes.values()) {
    resolvers[node.gqlName] = Object.fromEntries(typeFields(model, node).map((f) => [f, byResponseKey]));
  }
  const query: ResolverMap = { node };
  for (const n of model.nodes.values()) {
    for (const name of [n.label, `_${n.label}_count`]) query[name] = node;
    query[`${n.label}Connection`] = connectionResolver(n.label);
  }
  resolvers.GdcQuery = query;
  resolvers.Query = { gdc: gdcRoot(model) };
  const m = mutations(model);
  if (Object.keys(m).length) resolvers.Mutation = m;
  return resolvers;
}
