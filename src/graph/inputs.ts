/** Typed create mutations hand their input to the generic createEntities path, with upstream property names back. */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context';
import type { CreateEntitiesInput } from '../generated/resolvers-types';
import { submissionMutations } from '../resolvers/submission';
import type { ObjectField, Shape } from './shapes';

/** GraphQL input values keyed by field name → the upstream's property names, recursively. */
export function toUpstream(value: Record<string, unknown>, fields: ObjectField[]): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const field = byName.get(name);
    if (!field) continue;
    out[field.key] = convert(v, field.shape);
  }
  return out;
}

function convert(value: unknown, shape: Shape): unknown {
  if (value === null || value === undefined) return value;
  if (shape.kind === 'list') return Array.isArray(value) ? value.map((v) => convert(v, shape.of)) : convert(value, shape.of);
  if (shape.kind === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    return toUpstream(value as Record<string, unknown>, shape.ref.fields!.filter((f) => f.submittable));
  }
  return value;
}

/** The same resolver `createEntities` runs: one path for generic and typed submissions. */
export function createEntities(input: CreateEntitiesInput, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const resolve = submissionMutations.createEntities as (p: unknown, a: { input: CreateEntitiesInput }, c: GatewayContext, i: GraphQLResolveInfo) => unknown;
  return resolve({}, { input }, ctx, info);
}
