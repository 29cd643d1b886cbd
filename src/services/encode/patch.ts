import type { EncodeApi } from '../../datasources/encode/client';
import type { EncodeRecord, EncodeWriteOutcome } from '../../datasources/encode/models';
import { extendArray, stableJson } from '../../rules/encode/merge';
import type { Json, TypeInfo } from '../../rules/encode/profiles';
import { type EntityErrorModel, entityError } from '../result';
import type { CheckItem } from './dry-run';
import type { LookedUpLinks } from './links';
import type { PreparedRecord } from './prepare';
import type { Written } from './write';
import { recordEntity, refusedEntity, unknownEntity } from './results';

/** How a patch treats what the record holds: arrays extended (default) or replaced; properties removed first. */
export interface PatchMode {
  overwriteArrays: boolean;
  removeProperties: string[];
}

/** One patch, its target as read from the database, and the target's profile. */
export interface PatchJob {
  prepared: PreparedRecord;
  target: EncodeRecord;
  info: TypeInfo;
}

/**
 * Why a property cannot be removed, as encode_utils checks (required, not submittable, read-only),
 * plus properties the profile does not have; null when it can.
 */
export function removalProblem(info: TypeInfo, prop: string): string | null {
  const def = info.schema.properties?.[prop];
  if (!def) return `'${prop}' is not a property of the ${info.itemType} profile`;
  if ((info.schema.required ?? []).includes(prop)) return `'${prop}' is required by the ${info.itemType} profile and cannot be removed`;
  if (def.notSubmittable || def.calculatedProperty) return `'${prop}' is calculated by the portal and cannot be removed`;
  if (def.readonly || def.permission) return `'${prop}' is read-only (it needs the ${def.permission ?? 'admin'} permission) and cannot be removed`;
  return null;
}

/** Problems with the removal list itself, for every record of a profile. */
export function removalErrors(info: TypeInfo, mode: PatchMode, patch: Json): EntityErrorModel[] {
  const errors: EntityErrorModel[] = [];
  for (const prop of mode.removeProperties) {
    const problem = removalProblem(info, prop);
    if (problem) errors.push(entityError('INVALID_PROPERTY', `Cannot remove ${problem}`, [prop], prop));
    else if (prop in patch) errors.push(entityError('INVALID_PROPERTY', `'${prop}' is both removed and patched`, [prop], prop));
  }
  return errors;
}

/**
 * The value each patched key ends with: arrays extend what the record holds (existing first,
 * duplicates dropped — for links, any identifier of the same record), unless overwriting.
 */
export function mergePatch(info: TypeInfo, existing: Json, patch: Json, mode: PatchMode, links: LookedUpLinks): Json {
  if (mode.overwriteArrays) return { ...patch };
  const out: Json = { ...patch };
  const properties = info.schema.properties ?? {};
  for (const [key, value] of Object.entries(patch)) {
    const before = existing[key];
    if (!Array.isArray(value) || !Array.isArray(before)) continue;
    const linkTo = properties[key]?.items?.linkTo;
    const identity = linkTo
      ? (v: unknown) => (typeof v === 'string' ? `uuid:${links.resolve(v, ([] as string[]).concat(linkTo))?.uuid ?? v}` : stableJson(v))
      : stableJson;
    out[key] = extendArray(before, value, identity);
  }
  return out;
}

/** Array values of the patched keys, old and new: their links are looked up so equal records dedupe. */
export function linksToMerge(info: TypeInfo, existing: Json, patch: Json): { value: string; linkTo: string[] }[] {
  const properties = info.schema.properties ?? {};
  return Object.keys(patch).flatMap((key) => {
    const linkTo = properties[key]?.items?.linkTo;
    if (!linkTo) return [];
    const values = [...(Array.isArray(existing[key]) ? existing[key] : []), ...(Array.isArray(patch[key]) ? patch[key] : [])];
    return values.filter((v): v is string => typeof v === 'string').map((value) => ({ value, linkTo: ([] as string[]).concat(linkTo) }));
  });
}

/** PATCH (or, to remove properties, PUT of the edit frame) of one record, with lost answers made sure of. */
export async function writePatch(api: EncodeApi, job: PatchJob, mode: PatchMode, links: LookedUpLinks): Promise<Written> {
  const { prepared: p, target, info } = job;
  const warnings = [...p.warnings];
  if (!mode.removeProperties.length) {
    const body = mergePatch(info, target, p.record, mode, links);
    let outcome = await api.patch(target['@id'], body);
    // The body holds final values: sending it again does no harm.
    if (outcome.lost) {
      warnings.push(`${outcome.lost}; sent again`);
      outcome = await api.patch(target['@id'], body);
    }
    return patched(job, outcome, warnings);
  }
  for (let attempt = 1; ; attempt++) {
    const editable = await api.getEditable(target['@id']);
    if (!editable) return patched(job, { status: 404, error: notFoundBody(target['@id']) }, warnings);
    const document = removeAndMerge(info, editable.record, p.record, mode, links);
    if (attempt > 1 && mode.removeProperties.every((k) => !(k in editable.record)) && sameValues(editable.record, document, Object.keys(p.record))) {
      // The lost PUT had landed: the record already reads as it should.
      return { entity: recordEntity(p, (await api.getRecord(target['@id'])) ?? target, 'update', warnings), status: 200 };
    }
    const outcome = await api.put(target['@id'], document, editable.etag);
    if (attempt < 3 && (outcome.status === 412 || outcome.lost)) {
      warnings.push(outcome.lost ? `${outcome.lost}; read again` : 'the record changed while it was being edited (412); read again');
      continue;
    }
    return patched(job, outcome, warnings);
  }
}

/** The edit frame with the removed properties gone and the patch merged, as it is PUT back. */
export function removeAndMerge(info: TypeInfo, edit: Json, patch: Json, mode: PatchMode, links: LookedUpLinks): Json {
  const document: Json = { ...edit };
  for (const prop of mode.removeProperties) delete document[prop];
  return { ...document, ...mergePatch(info, document, patch, mode, links) };
}

/** The check a dry run makes of a patch: the document the portal would validate. */
export function patchCheck(job: PatchJob, edit: Json, mode: PatchMode, links: LookedUpLinks, errors: EntityErrorModel[]): CheckItem {
  const { prepared: p, info, target } = job;
  const removing = mode.removeProperties.length > 0;
  const document = removing ? removeAndMerge(info, edit, p.record, mode, links) : { ...edit, ...mergePatch(info, target, p.record, mode, links) };
  return {
    index: p.index,
    row: p.row,
    info,
    document,
    method: removing ? 'PUT' : 'PATCH',
    current: edit,
    action: 'update',
    errors: [...p.errors, ...errors],
    warnings: [...p.warnings],
    id: target.uuid,
    accession: target.accession ?? null,
  };
}

function patched(job: PatchJob, outcome: EncodeWriteOutcome, warnings: string[]): Written {
  const { prepared: p, info, target } = job;
  if (outcome.lost) {
    return { entity: unknownEntity(p, info.itemType, target.aliases, [...warnings, `${outcome.lost}; whether the change landed is unknown`]), status: null };
  }
  if (outcome.record) return { entity: recordEntity(p, outcome.record, 'update', warnings), status: outcome.status };
  const entity = refusedEntity(p, outcome, info.itemType, target.aliases);
  entity.id = target.uuid;
  entity.accession = target.accession ?? null;
  entity.warnings.push(...warnings);
  return { entity, status: outcome.status };
}

function sameValues(a: Json, b: Json, keys: string[]): boolean {
  return keys.every((k) => stableJson(a[k]) === stableJson(b[k]));
}

function notFoundBody(id: string) {
  return { '@type': ['HTTPNotFound', 'Error'], status: 'error' as const, code: 404, title: 'Not Found', description: 'The resource could not be found.', detail: id };
}
