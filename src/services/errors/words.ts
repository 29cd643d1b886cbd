import type { EntityErrorCode } from './codes';
import { parsePython, type PyValue } from './python-literal';

/**
 * Python jsonschema's messages in plain words. Both upstreams validate with it (GDC through
 * gdcdatamodel, ENCODE through snovault), so one rewording serves both translators.
 */

/** A value as a reader sees it: strings quoted, JSON's null/true/false, long texts and lists cut. */
export function show(value: PyValue | undefined, raw = ''): string {
  if (value === undefined) return cut(raw.trim());
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${cut(value)}'`;
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return cut(`[${value.map((v) => show(v)).join(', ')}]`);
  return cut(`{${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`);
}

/** The repr of a value, read and shown again (left as written when it is no Python literal). */
export function showRepr(repr: string): string {
  return show(parsePython(repr), repr);
}

const LONGEST = 200;

function cut(text: string): string {
  return text.length > LONGEST ? `${text.slice(0, LONGEST)}… (${text.length} characters)` : text;
}

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(items: string[], last = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** `{'project_id': 'X', 'submitter_id': 'Y'}` → `project_id 'X' and submitter_id 'Y'`. */
export function describeKeys(keys: PyValue | undefined): string | null {
  if (!keys || typeof keys !== 'object' || Array.isArray(keys)) return null;
  const parts = Object.entries(keys).map(([k, v]) => `${k} ${show(v)}`);
  return parts.length ? joinWords(parts) : null;
}

/**
 * Longer messages are worded from their head and tail only: a value of megabytes inside one
 * (`'xxx…' is not one of […]`) would otherwise be scanned by every rule, and is shown cut anyway.
 * The whole text stays in upstreamMessage.
 */
const LONGEST_WORDED = 32 * 1024;

export function wordable(message: string): string {
  return message.length <= LONGEST_WORDED ? message : `${message.slice(0, 1024)}…${message.slice(-16 * 1024)}`;
}

/** Enumerations are cut after this many values (GDC's longest has hundreds). */
const MAX_CHOICES = 25;

function choices(list: PyValue | undefined): string | null {
  if (!Array.isArray(list)) return null;
  const shown = list.slice(0, MAX_CHOICES).map((v) => show(v));
  return list.length > MAX_CHOICES ? `${shown.join(', ')} and ${list.length - MAX_CHOICES} more` : shown.join(', ');
}

const JSON_TYPES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** A pattern short enough to read is shown; a long one (ENCODE's alias pattern lists every lab) is left in upstreamMessage. */
const LONGEST_PATTERN = 80;

export interface Reworded {
  code: EntityErrorCode;
  /** Plain words, naming `label` (the property or its path) and the value. */
  why: string;
  /** Properties the message names, when the upstream gave the error no keys. */
  keys?: string[];
}

/** `label` is never empty ('the entity' for the entity itself); `path` is the property path as given ('' at the top). */
type Rule = [RegExp, (m: RegExpExecArray, label: string, type: string | null, path: string) => Reworded | null];

/**
 * jsonschema's messages (Draft 4, as both upstreams word them) and the ENCODE validator's own
 * (linkTo, permission, submits_for), each to a code and plain words.
 */
const RULES: Rule[] = [
  [/^(.+) is a required property$/s, (m, _label, _type, path) => {
    const name = parsePython(m[1]);
    if (typeof name !== 'string') return null;
    // GDC names the missing property as the error's key; ENCODE gives the path of the object it is missing from.
    const full = path && path !== name ? `${path}.${name}` : name;
    return { code: full === 'type' ? 'INVALID_TYPE' : 'MISSING_PROPERTY', why: `${full} is required but not given`, keys: [full] };
  }],
  [/^Additional properties are not allowed \((.+) (?:was|were) unexpected\)$/s, (m, _label, type, path) => {
    const names = [...m[1].matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1] ?? x[2]);
    if (!names.length) return null;
    const owner = path && !names.includes(path) ? `of ${path}` : type ? `of ${type}` : 'here';
    const why = names.length === 1 ? `${names[0]} is not a property ${owner}` : `${joinWords(names)} are not properties ${owner}`;
    return { code: 'INVALID_PROPERTY', why, keys: names };
  }],
  [/^(.+) is not one of (\[.*\])$/s, (m, label) => {
    const allowed = choices(parsePython(m[2]));
    if (allowed === null) return null;
    return { code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} is not one of the allowed values: ${allowed}` };
  }],
  [/^(.+) is not of type ((?:'[^']*'(?:, )?)+)$/s, (m, label) => {
    const types = [...m[2].matchAll(/'([^']*)'/g)].map((x) => x[1]);
    if (types.every((t) => t in JSON_TYPES)) {
      return { code: 'INVALID_VALUE', why: `${label} must be ${joinWords(types.map((t) => JSON_TYPES[t]), 'or')}, not ${showRepr(m[1])}` };
    }
    // ENCODE's linkTo: the value names a record of another type.
    return { code: 'INVALID_LINK', why: `${label} ${showRepr(m[1])} is not a ${joinWords(types, 'or')}` };
  }],
  [/^(.+) is less than (or equal to )?the minimum of (.+)$/s, (m, label) => ({
    code: 'INVALID_VALUE',
    why: `${label} ${showRepr(m[1])} is below the minimum: it must be ${m[2] ? 'more than' : 'at least'} ${showRepr(m[3])}`,
  })],
  [/^(.+) is greater than (or equal to )?the maximum of (.+)$/s, (m, label) => ({
    code: 'INVALID_VALUE',
    why: `${label} ${showRepr(m[1])} is above the maximum: it must be ${m[2] ? 'less than' : 'at most'} ${showRepr(m[3])}`,
  })],
  [/^(.+) does not match (.+)$/s, (m, label) => {
    const pattern = parsePython(m[2]);
    const shown = typeof pattern === 'string' && pattern.length <= LONGEST_PATTERN ? ` (pattern ${pattern})` : ' (the pattern is in upstreamMessage)';
    return { code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} is not of the form the schema requires${shown}` };
  }],
  [/^(.+) is too short$/s, (m, label) => ({ code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} is too short` })],
  [/^(.+) is too long$/s, (m, label) => ({ code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} is too long` })],
  [/^(.+) has non-unique elements$/s, (m, label) => ({ code: 'INVALID_VALUE', why: `${label} lists a value more than once: ${showRepr(m[1])}` })],
  [/^(.+) is not valid under any of the given schemas(?:: (.*))?$/s, (m, label) => ({
    code: 'INVALID_VALUE',
    why: `${label} ${showRepr(m[1])} matches none of the forms the schema allows${m[2] ? ` (${m[2]})` : ''}`,
  })],
  [/^(.+) is valid under each of (.+)$/s, (m, label) => ({ code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} matches more than one of the forms the schema allows, and must match exactly one` })],
  [/^(.+) is not a multiple of (.+)$/s, (m, label) => ({ code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} is not a multiple of ${showRepr(m[2])}` })],
  [/^(.+) is not a '([^']+)'$/s, (m, label) => ({ code: 'INVALID_VALUE', why: `${label} ${showRepr(m[1])} is not a valid ${m[2]}` })],
  [/^(.+) is a dependency of (.+)$/s, (m) => {
    const [needed, by] = [parsePython(m[1]), parsePython(m[2])];
    if (typeof needed !== 'string' || typeof by !== 'string') return null;
    return { code: 'MISSING_PROPERTY', why: `${needed} is required when ${by} is given`, keys: [needed] };
  }],
  // ENCODE's validator (snovault's linkTo, linkSubmitsFor, permission).
  [/^(.+) not found$/s, (m, label) => ({ code: 'INVALID_LINK', why: `${label} ${showRepr(m[1])} names no existing record` })],
  [/^(.+) is not in user submits_for$/s, (m, label) => ({ code: 'INVALID_PERMISSIONS', why: `${label} ${showRepr(m[1])} is not a lab you submit for` })],
  [/^permission (.+) required$/s, (m, label) => ({ code: 'INVALID_PERMISSIONS', why: `${label} can only be set with the ${showRepr(m[1])} permission` })],
];

/**
 * One validation message in plain words, or null when it is none of the known forms. `label` is
 * the property (or path) it is about, '' for the entity itself; `type` the entity's type or profile.
 */
export function reword(message: string, label: string, type: string | null): Reworded | null {
  for (const [pattern, build] of RULES) {
    const m = pattern.exec(message);
    if (!m) continue;
    const out = build(m, label || 'the entity', type, label);
    if (out) return out;
  }
  return null;
}
