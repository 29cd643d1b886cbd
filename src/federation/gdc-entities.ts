/**
 * GDC entities asked for by representation: every GDC representation of one `_entities` call in
 * one query to GDC's submission GraphQL, whatever their types and projects (one aliased root field
 * per type and project, one per type for those asked by uuid). The selection the router asked for
 * travels along as `gdc(project:)` sends it, so links below an entity cost nothing more.
 */
import { type GraphQLObjectType, type GraphQLResolveInfo, Kind, OperationTypeNode, print, type SelectionNode, type FieldNode, type ArgumentNode } from 'graphql';
import type { GatewayContext } from '../context';
import { parseProject } from '../datasources/gdc/client';
import { entitySelections, literal } from '../graph/gdc/delegate';
import type { GdcGraphModel } from '../graph/gdc/model';
import { markErrors, upstreamErrors } from '../graph/gdc/resolvers';
import { badInput } from '../services/documents';
import type { EntityType } from './keys';
import type { Representation } from './encode-entities';

type GdcEntity = Extract<EntityType, { source: 'GDC' }>;
type Found = Record<string, unknown>;

/** The key fields, asked under names no selection of ours can take (GraphQL names cannot start with `__`, ours never with `_fed`). */
const KEY_ALIASES = { id: '_fed_id', project_id: '_fed_project_id', submitter_id: '_fed_submitter_id' } as const;

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const field = (fieldName: string, alias?: string, args: ArgumentNode[] = [], selections?: SelectionNode[]): FieldNode => ({
  kind: Kind.FIELD,
  alias: alias ? name(alias) : undefined,
  name: name(fieldName),
  arguments: args,
  selectionSet: selections ? { kind: Kind.SELECTION_SET, selections } : undefined,
});
const arg = (argName: string, value: unknown): ArgumentNode => ({ kind: Kind.ARGUMENT, name: name(argName), value: literal(value) });

interface Lookup {
  entity: GdcEntity;
  /** Upstream's root field arguments: `ids`, or `project_id` with `submitter_id`. */
  args: ArgumentNode[];
  /** Where each representation's match is found, by its key. */
  match: (found: Found) => string;
  wanted: Map<string, number[]>;
}

export function gdcKeyOf(entity: GdcEntity, rep: Representation): { by: 'id'; id: string } | { by: 'project'; project: string; submitter: string } {
  if (typeof rep.id === 'string' && rep.id) return { by: 'id', id: rep.id };
  if (entity.keys.length > 1 && typeof rep.project_id === 'string' && typeof rep.submitter_id === 'string' && rep.submitter_id) {
    parseProject(rep.project_id); // PROGRAM-PROJECT, checked before any upstream call
    return { by: 'project', project: rep.project_id, submitter: rep.submitter_id };
  }
  const keys = entity.keys.map((k) => `"${k}"`).join(' or ');
  throw badInput(`a representation of ${entity.gqlName} needs one of its keys: ${keys}`, 'representations');
}

const projectKey = (project: unknown, submitter: unknown) => `${String(project)}\u0000${String(submitter)}`;

/** Groups the representations into upstream root fields; a representation without a usable key is an error in its place. */
function plan(items: { index: number; entity: GdcEntity; rep: Representation }[], results: unknown[]): Map<string, Lookup> {
  const lookups = new Map<string, Lookup>();
  for (const { index, entity, rep } of items) {
    let key: ReturnType<typeof gdcKeyOf>;
    try {
      key = gdcKeyOf(entity, rep);
    } catch (err) {
      results[index] = err;
      continue;
    }
    const group = key.by === 'id' ? `${entity.gqlName}\u0000` : `${entity.gqlName}\u0000${key.project}`;
    let lookup = lookups.get(group);
    if (!lookup) {
      lookup =
        key.by === 'id'
          ? { entity, args: [], match: (f) => String(f[KEY_ALIASES.id]), wanted: new Map() }
          : { entity, args: [arg('project_id', [key.project])], match: (f) => projectKey(f[KEY_ALIASES.project_id], f[KEY_ALIASES.submitter_id]), wanted: new Map() };
      lookups.set(group, lookup);
    }
    const wantedKey = key.by === 'id' ? key.id : projectKey(key.project, key.submitter);
    lookup.wanted.set(wantedKey, [...(lookup.wanted.get(wantedKey) ?? []), index]);
  }
  return lookups;
}

function upstreamDocument(lookups: Lookup[], info: GraphQLResolveInfo, model: GdcGraphModel): string {
  const selections = new Map<string, SelectionNode[]>();
  const roots = lookups.map((lookup, i) => {
    const { gqlName, node, keys } = lookup.entity;
    let inner = selections.get(gqlName);
    if (!inner) {
      const type = info.schema.getType(gqlName) as GraphQLObjectType;
      const keyFields = keys.length > 1 ? (['id', 'project_id', 'submitter_id'] as const) : (['id'] as const);
      inner = [...keyFields.map((k) => field(k, KEY_ALIASES[k])), field('__typename'), ...entitySelections(info, model, type)];
      selections.set(gqlName, inner);
    }
    const values = [...lookup.wanted.keys()];
    const args = lookup.args.length ? [...lookup.args, arg('submitter_id', values.map((v) => v.split('\u0000')[1]))] : [arg('ids', values)];
    // first: 0 is "all" upstream (its default is 10).
    return field(node.label, `e${i}`, [...args, arg('first', 0)], inner);
  });
  return print({
    kind: Kind.DOCUMENT,
    definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, selectionSet: { kind: Kind.SELECTION_SET, selections: roots } }],
  });
}

/** Fills `results` at the items' indexes: the entity, null where nothing matched, or the error. */
export async function gdcEntities(
  ctx: GatewayContext,
  model: GdcGraphModel,
  items: { index: number; entity: GdcEntity; rep: Representation }[],
  results: unknown[],
  info: GraphQLResolveInfo,
): Promise<void> {
  const lookups = [...plan(items, results).values()];
  if (!lookups.length) return;
  for (const lookup of lookups) for (const indexes of lookup.wanted.values()) for (const i of indexes) results[i] = null;
  let answer;
  try {
    answer = await ctx.gdc.graphql(upstreamDocument(lookups, info, model));
  } catch (err) {
    for (const lookup of lookups) for (const indexes of lookup.wanted.values()) for (const i of indexes) results[i] = err;
    return;
  }
  const data = (answer.data && typeof answer.data === 'object' ? answer.data : {}) as Record<string, Found[] | null>;
  if (answer.errors.length) {
    if (!Object.values(data).some((v) => v?.length)) {
      const error = upstreamErrors(answer.errors);
      for (const lookup of lookups) for (const indexes of lookup.wanted.values()) for (const i of indexes) results[i] = error;
      return;
    }
    markErrors(data, answer.errors);
  }
  lookups.forEach((lookup, i) => {
    for (const found of data[`e${i}`] ?? []) {
      for (const index of lookup.wanted.get(lookup.match(found)) ?? []) results[index] = found;
    }
  });
}
