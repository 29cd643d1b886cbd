import { GraphQLError } from 'graphql';
import type { MutationResolvers } from '../generated/resolvers-types';
import type { GatewayContext } from '../context';
import { parseProject } from '../datasources/gdc/client';
import { badInput, delimitedEntityRows, parseJsonEntities } from '../submission/documents';
import { type EncodeBatchItem, writeEncodeBatch } from '../submission/encode-batch';
import { dryRunEncode } from '../submission/encode-dry-run';
import { fromGdcEnvelope } from '../submission/gdc-envelope';
import { itemTypeOf } from '../submission/encode-outcome';
import { readSubmissionInput, type SubmissionDocument } from './submission-input';

function required<T>(value: T | null | undefined, name: string, why: string): T {
  if (value === null || value === undefined || value === '') throw badInput(`${name} is required ${why}`, name);
  return value;
}

async function submitToGdc(ctx: GatewayContext, project: string, doc: SubmissionDocument, method: 'POST' | 'PUT' | 'PATCH', dryRun: boolean) {
  const ref = parseProject(project);
  const text = doc.text ?? JSON.stringify(doc.entities);
  const rows = doc.format === 'json' ? [] : delimitedEntityRows(text, doc.format);
  const { status, envelope } = await ctx.gdc.submit(ref, text, {
    method,
    dryRun,
    format: doc.format,
    documentName: doc.filename ?? undefined,
  });
  return fromGdcEnvelope(envelope, status, dryRun, rows);
}

async function createOnEncode(ctx: GatewayContext, profile: string, doc: SubmissionDocument, dryRun: boolean) {
  if (doc.format !== 'json') {
    throw badInput('ENCODE records must be JSON (entities, or a JSON document or file); TSV is not supported for ENCODE yet', 'format');
  }
  const records = doc.entities ?? parseJsonEntities(doc.text as string, doc.filename ? 'file' : 'document');
  const items: EncodeBatchItem[] = records.map((record) => ({ record, type: profile }));
  if (dryRun) {
    const schema = await ctx.encode.getProfile(profile);
    if (!schema) throw badInput(`The ENCODE portal has no profile '${profile}'`, 'profile');
    return dryRunEncode(items, schema, 'create', (ids) => ctx.loaders.encode.record.loadMany(ids).then(noErrors));
  }
  return writeEncodeBatch(items, 'create', (item) => ctx.encode.create(profile, item.record));
}

function noErrors<T>(values: (T | Error)[]): T[] {
  return values.map((v) => {
    if (v instanceof Error) throw v;
    return v;
  });
}

function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } });
}

async function patchOnEncode(ctx: GatewayContext, id: string, patch: Record<string, unknown>, dryRun: boolean) {
  if (!dryRun) {
    const current = await ctx.loaders.encode.record.load(id);
    const type = current ? itemTypeOf(current) : null;
    return writeEncodeBatch([{ record: patch, type }], 'update', () => ctx.encode.patch(id, patch));
  }
  const [current, editable] = await Promise.all([ctx.loaders.encode.record.load(id), ctx.encode.getRecord(id, 'edit')]);
  if (!current || !editable) throw notFound(`ENCODE record '${id}'`);
  const type = itemTypeOf(current);
  const schema = type ? await ctx.encode.getProfile(type) : null;
  if (!schema) throw badInput(`The ENCODE portal has no profile for record '${id}' (${type})`, 'id');
  const merged = { ...editable, ...patch };
  return dryRunEncode([{ record: merged, type }], schema, 'update', (ids) => ctx.loaders.encode.record.loadMany(ids).then(noErrors), [
    Object.keys(patch),
  ]);
}

async function patchOnGdc(ctx: GatewayContext, project: string, id: string, patch: Record<string, unknown>, dryRun: boolean) {
  const entity = await ctx.loaders.gdc.entity.load({ project, id });
  if (!entity) throw notFound(`GDC entity '${id}' in project ${project}`);
  // GDC's PATCH changes only the given properties (a PUT would need the whole entity again).
  const doc = { ...patch, type: entity.properties.type, id };
  return submitToGdc(ctx, project, { format: 'json', text: JSON.stringify([doc]), entities: null, filename: null }, 'PATCH', dryRun);
}

export const submissionMutations: Pick<MutationResolvers, 'createEntities' | 'patchRecord'> = {
  createEntities: async (_p, { input }, ctx) => {
    const doc = await readSubmissionInput(input, ctx.maxUploadBytes);
    const dryRun = input.dryRun ?? false;
    if (input.source === 'GDC') {
      const project = required(input.project, 'project', 'for GDC (PROGRAM-PROJECT)');
      return submitToGdc(ctx, project, doc, input.upsert ? 'PUT' : 'POST', dryRun);
    }
    return createOnEncode(ctx, required(input.profile, 'profile', 'for ENCODE (the item type, e.g. biosample)'), doc, dryRun);
  },

  patchRecord: async (_p, { input }, ctx) => {
    const patch = input.patch;
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badInput('patch must be a JSON object', 'patch');
    const dryRun = input.dryRun ?? false;
    if (input.source === 'GDC') {
      return patchOnGdc(ctx, required(input.project, 'project', 'for GDC (PROGRAM-PROJECT)'), input.id, patch as Record<string, unknown>, dryRun);
    }
    return patchOnEncode(ctx, input.id, patch as Record<string, unknown>, dryRun);
  },
};
