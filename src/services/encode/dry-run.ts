import type { EncodeApi } from '../../datasources/encode/client';
import { linksOf } from '../../rules/encode/links';
import type { Json, TypeInfo } from '../../rules/encode/profiles';
import { type Method, RecordValidator, type ValidationError } from '../../rules/encode/validation';
import type { EntityErrorModel, EntityResultModel } from '../result';
import { emptyEntity } from '../result';
import { encodeErrorsToEntityErrors } from '../errors/encode';
import type { LookedUpLinks } from './links';
import { TimeSlices } from '../../time-slices';

/** One validator for the process: each profile is compiled once and kept while the profile is cached. */
const validator = new RecordValidator();

/** One record to check as the portal would check its write. */
export interface CheckItem {
  index: number;
  row: number | null;
  info: TypeInfo;
  /** The document the portal validates: the record (POST), stored + patch (PATCH), the whole record (PUT). */
  document: Json;
  method: Method;
  /** Stored properties before a PATCH/PUT (edit frame). */
  current?: Json;
  /** What the write would do when it passes (create, update, exists). */
  action: string;
  errors: EntityErrorModel[];
  warnings: string[];
  id?: string | null;
  accession?: string | null;
}

/** The keys of a record a caller may set only with a permission (import_items), in profile order. */
function guardedKeys(info: TypeInfo, document: Json): string[] {
  const properties = info.schema.properties ?? {};
  // The profile's few properties against the record, not the record's keys (maybe 40,000) against the profile.
  return Object.keys(properties).filter((k) => properties[k]?.permission && Object.hasOwn(document, k));
}

/**
 * Is the caller an admin, for the permission keyword? The public profile marks guarded properties
 * readonly; the one served to this caller does not when it holds the permission. Asked only when
 * a record sets a guarded property, once per profile.
 */
export async function adminFor(api: EncodeApi, items: CheckItem[], slices: TimeSlices = new TimeSlices()): Promise<Map<string, boolean>> {
  const answer = new Map<string, boolean>();
  for (const item of items) {
    await slices.pause();
    if (answer.has(item.info.itemType)) continue;
    const guarded = guardedKeys(item.info, item.document);
    if (!guarded.length) continue;
    const served = await api.getProfile(item.info.itemType);
    answer.set(item.info.itemType, !!served && served.properties?.[guarded[0]]?.readonly !== true);
  }
  return answer;
}

/**
 * ENCODE has no dry-run endpoint: each record is checked on the gateway with the same validator the
 * sandbox portal uses (JSON Schema, ENCODE keywords, links against `links`). Every problem of
 * every record is reported. Long batches yield to the event loop so other callers are served.
 */
export async function checkRecords(
  items: CheckItem[],
  links: LookedUpLinks,
  admin: Map<string, boolean>,
  slices: TimeSlices = new TimeSlices(),
): Promise<EntityResultModel[]> {
  const out: EntityResultModel[] = [];
  for (const item of items) {
    await slices.pause();
    const errors = [...item.errors];
    const failures: ValidationError[] = validator.validate(item.info.schema, item.document, {
      method: item.method,
      links,
      admin: admin.get(item.info.itemType) ?? false,
      submitsFor: null,
      current: item.current,
    });
    if (failures.length) {
      // A link refused before validation (not a record: rules/encode/reach.ts) already says why; its "not found" would repeat it.
      const refused = new Set(errors.filter((e) => e.type === 'INVALID_LINK').map((e) => e.location));
      const found = encodeErrorsToEntityErrors(422, { '@type': [], status: 'error', code: 422, title: '', description: '', errors: failures }, item.info.itemType);
      errors.push(...found.filter((e) => !(e.type === 'INVALID_LINK' && refused.has(e.location))));
    }
    const aliases = item.document.aliases;
    out.push({
      ...emptyEntity(item.index, item.row),
      action: errors.length ? null : item.action,
      valid: errors.length === 0,
      type: item.info.itemType,
      id: item.id ?? (typeof item.document.uuid === 'string' ? item.document.uuid : null),
      accession: item.accession ?? (typeof item.document.accession === 'string' ? item.document.accession : null),
      aliases: Array.isArray(aliases) ? aliases.map(String) : [],
      errors,
      warnings: item.warnings,
    });
  }
  return out;
}

/** The links every item makes, to look up in one batch before checking (20,000 records' worth in turns of the event loop). */
export async function linksToLookUp(items: CheckItem[], slices: TimeSlices = new TimeSlices()): Promise<{ value: string; linkTo: string[] }[]> {
  const links: { value: string; linkTo: string[] }[] = [];
  for (const item of items) {
    await slices.pause();
    for (const link of linksOf(item.info.schema, item.document)) links.push(link);
  }
  return links;
}
