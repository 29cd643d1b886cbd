import type { GdcEntityError } from '../../datasources/gdc/models';
import type { EntityErrorModel } from '../result';
import { type EntityErrorCode, isEntityErrorCode } from './codes';
import { parsePython, type PyValue } from './python-literal';
import { describeKeys, joinWords, reword, show, showRepr, wordable } from './words';
import type { TimeSlices } from '../../time-slices';

/**
 * GDC's per-entity error entries (sheepdog's `{type, message, keys, …}`) in the gateway's shape:
 * the code from the one vocabulary (GDC's own type unless it is the uncategorised `ERROR`, which
 * is classified by its wording), plain words instead of Python reprs, the entry's text kept in
 * `upstreamMessage`, and GDC's duplicates merged into one error.
 */

interface Translated {
  code: EntityErrorCode | null;
  why: string;
  keys?: string[];
}

type Rule = [RegExp, (m: RegExpExecArray, raw: GdcEntityError) => Translated | null];

const TYPE_EXAMPLES = 'e.g. case, sample, aliquot';

/** `[{'project_id': 'P', 'submitter_id': 'S'}]` → `project_id 'P' and submitter_id 'S'`. */
function keySets(value: PyValue | undefined): string | null {
  const sets = Array.isArray(value) ? value : [value];
  const described = sets.map((s) => describeKeys(s)).filter((d): d is string => d !== null);
  return described.length ? joinWords(described, 'or') : null;
}

/** `(('GDC-INTERNAL', 'D1'),)`: the values of each unique key set, in the order of their names. */
function keyTuples(value: PyValue | undefined): string | null {
  if (!Array.isArray(value)) return null;
  const sets = value.map((set) => (Array.isArray(set) ? `(${set.map((v) => show(v)).join(', ')})` : show(set)));
  return sets.length ? joinWords(sets, 'or') : null;
}

const RULES: Rule[] = [
  [/^Invalid entity type: (.*?)\.(?: Did you mean '(.*)'\?)?$/s, (m) => ({
    code: 'INVALID_TYPE',
    why: `type '${m[1]}' is not a GDC entity type${m[2] ? `; did you mean '${m[2]}'?` : ` (${TYPE_EXAMPLES})`}`,
  })],
  [/^specified type: (.*) is not in the current data model$/s, (m) => ({ code: 'INVALID_TYPE', why: `type '${m[1]}' is not a GDC entity type (${TYPE_EXAMPLES})` })],
  [/^missing 'type'$/, () => ({ code: 'INVALID_TYPE', why: `type is required but not given: every entity names its type (${TYPE_EXAMPLES})`, keys: ['type'] })],
  [/^(.*) is not an entity that can be upload via the project endpoint\.$/s, (m) => ({
    code: 'INVALID_TYPE',
    why: `a ${m[1]} cannot be submitted to a project: GDC creates programs and projects itself`,
    keys: ['type'],
  })],
  [/^Cannot create entity with custom id that is not a UUID\.$/, () => ({ code: 'INVALID_VALUE', why: 'id must be a UUID (or left out, and GDC makes one)' })],
  [/^Entity document must be an object, not a (\w+)$/, (m) => ({ code: 'INVALID_VALUE', why: `each entity must be a JSON object, not ${PY_TYPES[m[1]] ?? `a ${m[1]}`}` })],
  [/^Cannot create an entity with an id that already exists\.$/, () => ({
    code: 'NOT_UNIQUE',
    why: 'an entity with this id already exists (submit with upsert: true to update it)',
  })],
  [/^No link destination found for (\w+)(?:, id='([^']*)')?, unique_keys='(.*)'$/s, (m) => {
    const by = [m[2] ? `id '${m[2]}'` : null, keySets(parsePython(m[3]))].filter(Boolean).join(', or ');
    return { code: 'INVALID_LINK', why: `link ${m[1]}: no entity with ${by || 'the keys given'} (it must exist already, or be in this submission)` };
  }],
  [/^More than one link destination found for (\w+)$/, (m) => ({ code: 'INVALID_LINK', why: `link ${m[1]} names more than one entity; name one, by id or by its unique keys` })],
  [/^(\w+) with (\{.*\}) already exists in the GDC$/s, (m) => {
    const keys = describeKeys(parsePython(m[2]));
    return keys ? { code: 'NOT_UNIQUE', why: `a ${m[1]} with ${keys} already exists` } : null;
  }],
  [/^Entity is not unique, (\d+) entities found with (.*)$/s, (m) => {
    const values = keyTuples(parsePython(m[2]));
    return { code: 'NOT_UNIQUE', why: `${m[1]} entities already have the unique key values ${values ?? showRepr(m[2])}` };
  }],
  [/^Entity is not unique, (.*)$/s, (m) => {
    const values = keyTuples(parsePython(m[1]));
    return { code: 'NOT_UNIQUE', why: `more than one entity of this submission has the unique key values ${values ?? showRepr(m[1])}` };
  }],
  [/^Entity is duplicated elsewhere in bulk transaction$/, () => ({ code: 'NOT_UNIQUE', why: 'another entity of this submission has the same unique keys' })],
  [/^Key '(.*)' is not a valid property for type '(.*)'\.(?: Did you mean '(.*)'\?)?$/s, (m) => ({
    code: 'INVALID_PROPERTY',
    why: `${m[1]} is not a property of ${m[2]}${m[3] ? `; did you mean '${m[3]}'?` : ''}`,
  })],
  [/^Key '(.*)' is a system property and cannot be updated from '(.*)' to '(.*)'$/s, (m) => ({
    code: 'INVALID_PERMISSIONS',
    why: `${m[1]} is a system property: GDC sets it, and it cannot change from '${m[2]}' to '${m[3]}'`,
  })],
  [/^'(\w+)' link has to be (\w+)$/, (m) => ({ code: 'INVALID_LINK', why: `link ${m[1]} must be ${m[2].replace(/_/g, ' ')}` })],
  [/^Entity is missing required link to (\w+)$/, (m) => ({ code: 'INVALID_LINK', why: `link ${m[1]} is required but not given` })],
  [/^Entity is missing a required link to (.*)$/s, (m) => ({ code: 'INVALID_LINK', why: `a link to ${m[1]} is required but none is given` })],
  [/^Entity not found\.$/, (_m, raw) => ({ code: 'NOT_FOUND', why: `no entity has id ${typeof raw.id === 'string' ? `'${raw.id}' ` : ''}in this project` })],
];

const PY_TYPES: Record<string, string> = { list: 'a list', str: 'a string', int: 'a number', float: 'a number', bool: 'true or false', NoneType: 'null' };

/**
 * GDC's own classification is kept; its `ERROR` (and anything unknown) takes the wording's code.
 * A missing or unknown type is INVALID_TYPE however GDC typed it ("'type' is a required property"
 * comes as MISSING_PROPERTY beside INVALID_TYPE "missing 'type'").
 */
function codeOf(type: unknown, worded: EntityErrorCode | null): EntityErrorCode {
  if (worded === 'INVALID_TYPE') return worded;
  if (isEntityErrorCode(type) && type !== 'ERROR') return type;
  return worded ?? 'ERROR';
}

function translate(raw: GdcEntityError, entityType: string | null): EntityErrorModel {
  const message = typeof raw.message === 'string' ? raw.message : JSON.stringify(raw);
  const keys = Array.isArray(raw.keys) ? raw.keys.map(String) : [];
  const text = wordable(message);
  let found: Translated | null = null;
  for (const [pattern, build] of RULES) {
    const m = pattern.exec(text);
    if (m && (found = build(m, raw))) break;
  }
  // jsonschema's messages (with their anyOf context after ': ') name the property by the entry's key.
  found ??= reword(text, keys.length === 1 ? keys[0] : '', entityType);
  const error: EntityErrorModel = {
    type: codeOf(raw.type, found?.code ?? null),
    message: found?.why ?? text,
    keys: keys.length ? keys : (found?.keys ?? []),
    location: null,
    upstreamMessage: message,
  };
  if (Array.isArray(raw.dependents)) error.dependents = raw.dependents.map((d) => d.id);
  else error.dependents = null;
  return error;
}

/**
 * GDC often says one thing twice: an unknown type as INVALID_TYPE "Invalid entity type" and as
 * ERROR "specified type … is not in the current data model"; a missing type as "missing 'type'"
 * and "'type' is a required property". Those are one error (the first), both upstream texts
 * kept; so are two entries that say the same in plain words. Two different things said about
 * one property (two bad values of a list) stay two errors.
 */
function merged(errors: EntityErrorModel[]): EntityErrorModel[] {
  if (errors.length < 2) return errors;
  const out: EntityErrorModel[] = [];
  for (const _ of merging(errors, out));
  return out;
}

/** merged(), giving the event loop turns between its steps. */
async function mergedInTurns(errors: EntityErrorModel[], slices: TimeSlices): Promise<EntityErrorModel[]> {
  if (errors.length < 2) return errors;
  const out: EntityErrorModel[] = [];
  for (const _ of merging(errors, out)) await slices.pause();
  return out;
}

/** The merge itself, into `out`, one step per error. */
function* merging(errors: EntityErrorModel[], out: EntityErrorModel[]): Generator<void> {
  const byKeys = new Map<string, EntityErrorModel>();
  for (const e of errors) {
    const about = e.keys.length ? `${e.type}\u0000${e.keys.join('\u0000')}` : null;
    const key = about === null ? null : e.type === 'INVALID_TYPE' ? about : `${about}\u0000${e.message}`;
    const earlier = key === null ? undefined : byKeys.get(key);
    if (!earlier) {
      if (key !== null) byKeys.set(key, e);
      out.push(e);
    } else if (e.upstreamMessage && !earlier.upstreamMessage?.split('\n').includes(e.upstreamMessage)) {
      earlier.upstreamMessage = `${earlier.upstreamMessage}\n${e.upstreamMessage}`;
    }
    yield;
  }
}

/**
 * Translations already made for one answer: a failed document of 200,000 entities mostly repeats
 * a few errors (one typo in every row, with GDC's list of allowed values: kilobytes), and the
 * rules need not run for each again. Keyed by the message string itself (hashed once per string);
 * per answer, never kept beyond it.
 */
export class ErrorMemo {
  private readonly done = new Map<string, { raw: GdcEntityError; entityType: string | null; error: EntityErrorModel }>();

  errorsOf(raw: GdcEntityError[], entityType: string | null): EntityErrorModel[] {
    // Copies: merging and placing an error at its row change it.
    return merged(raw.map((e) => ({ ...this.one(e, entityType) })));
  }

  /** errorsOf for an entity with very many errors (a row of 100,000 unknown columns), giving the event loop turns. */
  async errorsOfInTurns(raw: GdcEntityError[], entityType: string | null, slices: TimeSlices): Promise<EntityErrorModel[]> {
    const out: EntityErrorModel[] = [];
    for (const e of raw) {
      await slices.pause();
      out.push({ ...this.one(e, entityType) });
    }
    return mergedInTurns(out, slices);
  }

  private one(raw: GdcEntityError, entityType: string | null): EntityErrorModel {
    if (typeof raw.message !== 'string' || raw.dependents !== undefined) return translate(raw, entityType);
    const known = this.done.get(raw.message);
    if (known && known.entityType === entityType && sameEntry(known.raw, raw)) return known.error;
    const error = translate(raw, entityType);
    if (this.done.size < 10_000) this.done.set(raw.message, { raw, entityType, error });
    return error;
  }
}

function sameEntry(a: GdcEntityError, b: GdcEntityError): boolean {
  const [ka, kb] = [a.keys ?? [], b.keys ?? []];
  return a.type === b.type && a.id === b.id && ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/** All error entries of one GDC entity result, translated and merged. */
export function gdcEntityErrors(raw: GdcEntityError[], entityType: string | null): EntityErrorModel[] {
  return merged(raw.map((e) => translate(e, entityType)));
}

/** One entry of GDC's `transactional_errors` (a string, or `{message, type}`) in plain words, keeping its type. */
export function gdcTransactionalError(value: unknown): string {
  const entry = typeof value === 'string' ? { message: value } : ((value ?? {}) as { message?: unknown; type?: unknown });
  if (typeof entry.message !== 'string') return JSON.stringify(value);
  const error = translate({ message: entry.message, keys: [], type: typeof entry.type === 'string' ? entry.type : 'ERROR' }, null);
  const words = error.message === entry.message ? entry.message : `${error.message} (GDC: ${entry.message})`;
  return typeof entry.type === 'string' ? `${entry.type}: ${words}` : words;
}
