import { linksOf } from '../../rules/encode/links';
import { labName, prepareAliases } from '../../rules/encode/aliases';
import { attachmentProperties } from '../../rules/encode/attachments';
import { checkEncodeIdentifier } from '../../datasources/grammar';
import { calculatedName } from '../../rules/encode/keys';
import type { TypeInfo } from '../../rules/encode/profiles';
import { type EntityErrorModel, entityError } from '../result';
import { expandAttachment } from './attachments';
import { type InputRecord, rowError } from './inputs';
import { digestSource, type FileAccess, s3Source, statS3Source } from './local-files';

/** What registration adds to records on the gateway, from the request and the environment. */
export interface PrepareOptions {
  /** Award and lab for records that name none: the request's, else DCC_AWARD / DCC_LAB. */
  award: string | null;
  lab: string | null;
  /** The prefix of aliases without one: the request's lab, else DCC_LAB (else the record's own lab). */
  aliasLab: string | null;
  noAliases: boolean;
  access: FileAccess;
  /** A lab's name when a record names its lab by uuid (for alias prefixes). */
  labNameOf(lab: string): Promise<string | null>;
  /** Why a link value names something other than a record (`/users/x/`, `/_sandbox/faults/`); null when it names a record. */
  unreachableLink(value: string, linkTo: string[]): Promise<string | null>;
}

/** A record as it will be sent, with what the gateway found wrong with it before sending. */
export interface PreparedRecord {
  index: number;
  row: number | null;
  record: Record<string, unknown>;
  errors: EntityErrorModel[];
  warnings: string[];
  /** Identifiers that find this record once written: its aliases and `md5:<md5sum>`. */
  keys: string[];
  /** An `s3://` submitted_file_name that was found readable: its bytes are copied once the record is written. */
  copyFrom?: string;
}

/**
 * Readies one record for a POST: award/lab defaults (only where the profile has them, which
 * encode_utils' check gets wrong), aliases cleaned, prefixed and required, attachments from paths
 * or uploads, md5sum/file_size of file records computed when missing.
 */
export async function prepareCreate(input: InputRecord, info: TypeInfo, opts: PrepareOptions): Promise<PreparedRecord> {
  const out = start(input);
  const properties = info.schema.properties ?? {};
  for (const key of ['award', 'lab'] as const) {
    if (key in properties && (out.record[key] === undefined || out.record[key] === null || out.record[key] === '') && opts[key]) out.record[key] = opts[key];
  }
  // Without an alias a re-run registers the record again, unless another unique key (a lab's or
  // source's name) makes the portal refuse the duplicate.
  const uniquelyNamed = uniqueKeysOf(out.record, info).length > 0;
  if ('aliases' in properties) await aliases(out, opts, !uniquelyNamed);
  await unreachableLinks(out, info, opts);
  await attachments(out, info, opts.access);
  if (isFileProfile(info)) await digest(out, opts.access);
  out.keys = [...keysOf(out.record), ...uniqueKeysOf(out.record, info)];
  return out;
}

/** Readies a patch: aliases cleaned and prefixed, attachments read; nothing is defaulted. */
export async function preparePatch(input: InputRecord, info: TypeInfo, opts: PrepareOptions): Promise<PreparedRecord> {
  const out = start(input);
  if ('aliases' in (info.schema.properties ?? {}) && out.record.aliases !== undefined) await aliases(out, opts, false);
  await unreachableLinks(out, info, opts);
  await attachments(out, info, opts.access);
  return out;
}

/** The record is castRecord's copy, the preparer's to change: copying it again cost ~30 ms per 40,000 keys in one piece. */
function start(input: InputRecord): PreparedRecord {
  return { index: input.index, row: input.row, record: input.record, errors: [...input.errors], warnings: [], keys: [] };
}

async function aliases(out: PreparedRecord, opts: PrepareOptions, required: boolean): Promise<void> {
  const given = out.record.aliases;
  const list = given === undefined || given === null ? [] : Array.isArray(given) ? given : [given];
  if (list.some((a) => typeof a !== 'string')) {
    out.errors.push(rowError(out.row, 'aliases', 'INVALID_VALUE', 'aliases must be strings'));
    return;
  }
  const lab = opts.aliasLab ?? (await recordLab(out.record.lab, opts));
  const prepared = prepareAliases(list as string[], lab);
  if (prepared.unprefixed.length) {
    const which = prepared.unprefixed.map((a) => `'${a}'`).join(', ');
    out.errors.push(rowError(out.row, 'aliases', 'INVALID_VALUE', `alias ${which} has no lab prefix and no lab is known to add one (give lab, or set DCC_LAB)`));
  }
  if (prepared.aliases.length) out.record.aliases = prepared.aliases;
  else delete out.record.aliases;
  if (required && !prepared.aliases.length && !prepared.unprefixed.length && !opts.noAliases) {
    out.errors.push(entityError('MISSING_PROPERTY', 'aliases are required: without one, a re-run registers the record again (set noAliases to register without)', ['aliases'], 'aliases'));
  }
}

/** A link to what is not a record fails its row before anything is read or written (rules/encode/reach.ts). */
async function unreachableLinks(out: PreparedRecord, info: TypeInfo, opts: PrepareOptions): Promise<void> {
  for (const link of linksOf(info.schema, out.record)) {
    const why = await opts.unreachableLink(link.value, link.linkTo);
    if (why) out.errors.push({ ...rowError(out.row, link.property, 'INVALID_LINK', `link '${link.value}' is not allowed: ${why}`), location: link.location });
  }
}

async function recordLab(lab: unknown, opts: PrepareOptions): Promise<string | null> {
  if (typeof lab !== 'string' || !lab) return null;
  return labName(lab) ?? (await opts.labNameOf(lab));
}

async function attachments(out: PreparedRecord, info: TypeInfo, access: FileAccess): Promise<void> {
  for (const prop of attachmentProperties(info.schema)) {
    if (out.record[prop] === undefined) continue;
    try {
      out.record[prop] = await expandAttachment(out.record[prop], access);
    } catch (err) {
      out.errors.push(rowError(out.row, prop, 'INVALID_VALUE', `attachment: ${(err as Error).message}`));
    }
  }
}

/** File records carry md5sum and file_size; only the `file` profile has `submitted_file_name` with them. */
function isFileProfile(info: TypeInfo): boolean {
  const p = info.schema.properties ?? {};
  return 'md5sum' in p && 'file_size' in p && 'submitted_file_name' in p;
}

async function digest(out: PreparedRecord, access: FileAccess): Promise<void> {
  const r = out.record;
  const source = r.submitted_file_name;
  // An s3:// object is copied after registering: it must be there (and readable) before, or the row fails.
  if (typeof source === 'string' && s3Source(source)) return s3File(out, source, access);
  if (typeof r.md5sum === 'string' && r.file_size !== undefined) return;
  if (typeof source !== 'string' || !source) return;
  try {
    const { md5sum, size } = await digestSource(source, access);
    if (typeof r.md5sum === 'string' && r.md5sum !== md5sum) {
      out.errors.push(rowError(out.row, 'md5sum', 'INVALID_VALUE', `md5sum ${r.md5sum} does not match ${source}, whose md5 is ${md5sum}`));
      return;
    }
    r.md5sum = md5sum;
    r.file_size ??= size;
  } catch (err) {
    // Without an md5sum the portal refuses the file anyway; with one, the size is just not filled in.
    if (typeof r.md5sum !== 'string') out.errors.push(rowError(out.row, 'submitted_file_name', 'INVALID_VALUE', `md5sum is missing and ${(err as Error).message}`));
    else out.warnings.push(`file_size not computed: ${(err as Error).message}`);
  }
}

/**
 * A file record whose bytes are an `s3://` object: measured (md5, size) when the record lacks them,
 * else only looked at, so a missing or unreadable object fails the row before anything is registered.
 */
async function s3File(out: PreparedRecord, source: string, access: FileAccess): Promise<void> {
  const r = out.record;
  try {
    if (typeof r.md5sum !== 'string' || r.file_size === undefined) {
      const { md5sum, size } = await digestSource(source, access);
      if (typeof r.md5sum === 'string' && r.md5sum !== md5sum) {
        return void out.errors.push(rowError(out.row, 'md5sum', 'INVALID_VALUE', `md5sum ${r.md5sum} does not match ${source}, whose md5 is ${md5sum}`));
      }
      r.md5sum = md5sum;
      r.file_size ??= size;
    } else {
      const { size } = await statS3Source(source, access);
      if (size !== null && r.file_size !== size) {
        return void out.errors.push(rowError(out.row, 'file_size', 'INVALID_VALUE', `file_size ${String(r.file_size)} does not match ${source}, which has ${size} bytes`));
      }
    }
    out.copyFrom = source;
  } catch (err) {
    out.errors.push(rowError(out.row, 'submitted_file_name', 'INVALID_VALUE', (err as Error).message));
  }
}

/** Paths of the record by the profile's unique keys other than aliases (`/sources/atcc/`, `/labs/jane-doe/`). */
function uniqueKeysOf(record: Record<string, unknown>, info: TypeInfo): string[] {
  const names = info.uniqueKeys
    .filter(([ns, prop]) => ns.includes(':') && prop !== 'aliases' && typeof record[prop] === 'string' && record[prop])
    .map(([, prop]) => String(record[prop]));
  const calculated = calculatedName(info.itemType, record);
  if (calculated) names.push(calculated);
  return names.map((name) => `/${info.collection}/${name}/`).filter(isIdentifier);
}

/** A record's lookup keys: aliases, then a file's `md5:` alias. */
export function keysOf(record: Record<string, unknown>): string[] {
  const keys = Array.isArray(record.aliases) ? record.aliases.filter((a): a is string => typeof a === 'string') : [];
  if (typeof record.md5sum === 'string' && record.md5sum) keys.push(`md5:${record.md5sum}`);
  return keys;
}

/** Keys that can be looked up: a name with spaces or slashes makes no @id path the portal answers to. */
function isIdentifier(id: string): boolean {
  try {
    checkEncodeIdentifier(id);
    return true;
  } catch {
    return false;
  }
}
