import type { EncodeApi } from '../../datasources/encode/client';
import type { EncodeRecord, EncodeWriteOutcome } from '../../datasources/encode/models';
import { identifierKind } from '../../rules/encode/identifiers';
import { extendArray } from '../../rules/encode/merge';
import { profileOfRecord } from '../../rules/encode/naming';
import type { TypeInfo } from '../../rules/encode/profiles';
import { type EntityResultModel, entityError } from '../result';
import { conflictKeys } from '../errors/encode';
import type { PreparedRecord } from './prepare';
import { failedEntity, recordEntity, refusedEntity, unknownEntity } from './results';
import { lookUp, type Lookup } from './reconcile';

export interface WriteTarget {
  api: EncodeApi;
  info: TypeInfo;
  /** A record whose alias exists is PATCHed instead of left as it is. */
  upsert: boolean;
}

/** One write's result and the upstream status it ended on. */
export interface Written {
  entity: EntityResultModel;
  status: number | null;
}

/**
 * POSTs one record. A 409 on its own alias (or unique key) is `exists` — or, with upsert, a PATCH
 * (`update`); a lost answer is reconciled by looking the record up by alias or `md5:` before
 * anything is reported, and the POST is sent again only when the record is confirmed absent.
 */
export async function postRecord(t: WriteTarget, p: PreparedRecord): Promise<Written> {
  const first = await t.api.create(t.info.itemType, p.record);
  if (!first.lost) return settle(t, p, first);
  const found = await lookUp(t.api, p.keys);
  if (found.record) return confirmed(t, p, found, [`${first.lost}; the record was created: ${found.via} finds it`]);
  if (!found.checked.length || found.failed) return { entity: lostEntity(t, p, first.lost, found), status: null };

  const again = await t.api.create(t.info.itemType, p.record);
  const note = `${first.lost}; no record answered to ${found.checked.join(', ')}, so it was sent again`;
  if (again.lost) {
    const after = await lookUp(t.api, p.keys);
    if (after.record) return confirmed(t, p, after, [note, `${again.lost}; the record was created: ${after.via} finds it`]);
    if (after.failed) return { entity: lostEntity(t, p, again.lost, after, [note]), status: null };
    const error = entityError('UPSTREAM_UNAVAILABLE', `Not created: the portal answered neither POST, and no record answers to ${after.checked.join(', ')}`);
    return { entity: failedEntity(p, t.info.itemType, p.record.aliases, [error], [note]), status: null };
  }
  const settled = await settle(t, p, again, true);
  settled.entity.warnings.unshift(note);
  return settled;
}

/** A write's answer turned into a result (a 409 looked into first). `retried`: this POST repeats one whose answer was lost. */
async function settle(t: WriteTarget, p: PreparedRecord, outcome: EncodeWriteOutcome, retried = false): Promise<Written> {
  if (outcome.record) return { entity: recordEntity(p, outcome.record, 'create', [...p.warnings]), status: outcome.status };
  if (outcome.status !== 409) return { entity: refused(t, p, outcome), status: outcome.status };
  const conflict = await whoConflicts(t, p, outcome);
  if (!conflict.record) return { entity: refused(t, p, outcome), status: 409 };
  if (profileOfRecord(conflict.record) !== t.info.itemType || conflict.contentOnly) {
    const what = conflict.contentOnly ? `md5sum ${String(p.record.md5sum)} is already registered` : `${conflict.key} already names a ${String(conflict.record['@type']?.[0])}`;
    const error = entityError('NOT_UNIQUE', `${what}: ${conflict.record['@id']}`, [conflict.contentOnly ? 'md5sum' : 'aliases']);
    return { entity: failedEntity(p, t.info.itemType, p.record.aliases, [error], [...p.warnings]), status: 409 };
  }
  // The lost first POST landed after all: this record is the one this request created.
  if (retried) return confirmed(t, p, { record: conflict.record, via: conflict.key, checked: [conflict.key] }, [`the retry found ${conflict.key} taken by the first POST`]);
  if (t.upsert) return upsert(t, p, conflict.record);
  const warning = `${conflict.key} already exists (${conflict.record.accession ?? conflict.record['@id']}): left as it is; upsert: true would update it`;
  return { entity: recordEntity(p, conflict.record, 'exists', [...p.warnings, warning]), status: 409 };
}

/** A record found after a lost answer: created, unless it is not this profile's (then the key was someone else's). */
function confirmed(t: WriteTarget, p: PreparedRecord, found: Lookup, warnings: string[]): Written {
  const record = found.record!;
  if (profileOfRecord(record) !== t.info.itemType) {
    const error = entityError('NOT_UNIQUE', `${found.via} already names a ${String(record['@type']?.[0])}: ${record['@id']}`, ['aliases']);
    return { entity: failedEntity(p, t.info.itemType, p.record.aliases, [error], warnings), status: null };
  }
  return { entity: recordEntity(p, record, 'create', [...p.warnings, ...warnings]), status: 201 };
}

function lostEntity(t: WriteTarget, p: PreparedRecord, lost: string, found: Lookup, before: string[] = []): EntityResultModel {
  const checked = found.checked.length
    ? `looking it up by ${found.checked.join(', ')} ${found.failed ? `failed (${found.failed})` : 'found nothing'}`
    : 'it has no alias or md5sum to look it up by';
  const advice = 'whether it was created is unknown: look for it before sending it again';
  return unknownEntity(p, t.info.itemType, p.record.aliases, [...p.warnings, ...before, `${lost}; ${checked}; ${advice}`]);
}

function refused(t: WriteTarget, p: PreparedRecord, outcome: EncodeWriteOutcome): EntityResultModel {
  const entity = refusedEntity(p, outcome, t.info.itemType, p.record.aliases);
  entity.warnings.push(...p.warnings);
  return entity;
}

/** The record a 409 names: by our conflicting alias, else by a unique key of the profile; md5 alone means other content-equal record. */
async function whoConflicts(t: WriteTarget, p: PreparedRecord, outcome: EncodeWriteOutcome): Promise<{ record: EncodeRecord | null; key: string; contentOnly: boolean }> {
  const pairs = conflictKeys(outcome.error?.detail ?? '').map((k) => {
    const at = k.indexOf(':');
    return { ns: k.slice(0, at), value: k.slice(at + 1) };
  });
  const aliases = pairs.filter((c) => c.ns === 'alias' && !c.value.startsWith('md5:')).map((c) => c.value);
  const keys = pairs.filter((c) => c.ns !== 'alias' && c.ns !== 'accession' && c.ns.includes(':')).map((c) => `/${t.info.collection}/${c.value}/`);
  const md5 = pairs.filter((c) => c.ns === 'alias' && c.value.startsWith('md5:')).map((c) => c.value);
  // A key no identifier can be made of (a title with spaces) cannot be looked up: the 409 stands.
  const read = (id: string) => t.api.getRecord(id).catch(() => null);
  for (const id of [...aliases, ...keys]) {
    const record = await read(id);
    if (record) return { record, key: identifierKind(id) === 'path' ? id.split('/')[2] : id, contentOnly: false };
  }
  for (const id of md5) {
    const record = await read(id);
    if (record) return { record, key: id, contentOnly: true };
  }
  return { record: null, key: '', contentOnly: false };
}

/** Upsert: the record as given PATCHed over the existing one (arrays replaced, but no existing alias dropped). */
async function upsert(t: WriteTarget, p: PreparedRecord, existing: EncodeRecord): Promise<Written> {
  const body: Record<string, unknown> = { ...p.record };
  if (Array.isArray(body.aliases)) body.aliases = extendArray(existing.aliases ?? [], body.aliases);
  let outcome = await t.api.patch(existing['@id'], body);
  const warnings = [...p.warnings];
  // A PATCH is idempotent: a lost answer is safely sent once more.
  if (outcome.lost) {
    warnings.push(`${outcome.lost}; sent again`);
    outcome = await t.api.patch(existing['@id'], body);
  }
  if (outcome.lost) return { entity: unknownEntity(p, t.info.itemType, p.record.aliases, [...warnings, `${outcome.lost}; whether the update landed is unknown`]), status: null };
  if (outcome.record) return { entity: recordEntity(p, outcome.record, 'update', warnings), status: outcome.status };
  return { entity: refused(t, p, outcome), status: outcome.status };
}
