import { GraphQLError } from 'graphql';

/**
 * The grammar of every caller-given name that becomes part of an upstream URL, checked in the
 * datasources before a URL is built, so no id, project, type or profile can reach another upstream
 * path (`..`, `/labs/../../users/`, `..-..`). `UpstreamPool.url` refuses dot segments on top.
 */

/** The BAD_USER_INPUT error of a caller-given value that may not become part of an upstream URL: names it and why. */
export function refuse(argument: string, value: string, why: string): GraphQLError {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return new GraphQLError(`${argument} '${shown}' is not valid: ${why}`, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

const MAX_LENGTH = 512;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A path segment of an ENCODE @id or a bare collection key: no dot segment, no separators. */
const ENCODE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.:+!*,()'$@~-]*$/;
/** ENCODE aliases: `<lab or namespace>:<name>` (snovault's alias pattern, with spaces between parts). */
const ENCODE_ALIAS = /^[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_$.+!*,()'\-#~@]+( [A-Za-z0-9_$.+!*,()'\-#~@]+)*$/;
const MD5 = /^md5:[0-9a-f]{32}$/i;

/**
 * An ENCODE record identifier: uuid, accession, alias, `md5:<hex>`, an @id path `/<collection>/<key>/`
 * or a bare key (a lab name, an award). Anything else is refused before a URL exists.
 */
export function checkEncodeIdentifier(id: string, argument = 'id'): string {
  if (!id || id.length > MAX_LENGTH) throw refuse(argument, id, `an ENCODE identifier has 1 to ${MAX_LENGTH} characters`);
  if (UUID.test(id) || MD5.test(id)) return id;
  if (id.startsWith('/')) {
    const segments = id.replace(/^\/|\/$/g, '').split('/');
    if (segments.length === 2 && segments.every((s) => ENCODE_SEGMENT.test(s))) return id;
    throw refuse(argument, id, 'an @id path is /<collection>/<key>/, such as /labs/sandbox-lab/, without . or .. segments');
  }
  if (id.includes(':')) {
    if (ENCODE_ALIAS.test(id)) return id;
    throw refuse(argument, id, 'an alias is <namespace>:<name>, such as sandbox-lab:sample-1');
  }
  if (ENCODE_SEGMENT.test(id) && !/^\.+$/.test(id)) return id;
  throw refuse(argument, id, 'use a uuid, an accession, an alias, md5:<hex>, an @id path or a collection key');
}

/** An ENCODE profile or item type name: `biosample`, `human_donor`, `Biosample`. */
export function checkEncodeTypeName(name: string, argument = 'profile'): string {
  if (/^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(name)) return name;
  throw refuse(argument, name, 'an ENCODE item type is a name such as biosample or Biosample (letters, digits, _)');
}

/**
 * Search parameters the portal reads as controls, not filters (snosearch's NOT_FILTERS and the
 * sandbox's search): as a filter `field` they would change the search itself.
 */
export const RESERVED_SEARCH_FIELDS = new Set([
  'type', 'limit', 'field', 'frame', 'format', 'datastore', 'sort', 'from', 'searchterm', 'mode', 'config', 'referrer',
  'annotation', 'debug', 'remove', 'cart', 'region', 'genome', 'report', 'filterresponse', 'collapse',
]);

/** A search filter field: a property path (`lab.name`, `biosample_ontology.classification`), `!` to negate. */
export function checkEncodeFilterField(field: string): string {
  const name = field.endsWith('!') ? field.slice(0, -1) : field;
  if (RESERVED_SEARCH_FIELDS.has(name.toLowerCase())) {
    throw refuse('filters.field', field, `'${name}' is a search control, not a property (reserved: ${[...RESERVED_SEARCH_FIELDS].join(', ')})`);
  }
  if (/^[A-Za-z@][A-Za-z0-9_@]*(\.[A-Za-z@][A-Za-z0-9_@]*)*$/.test(name) && name.length <= 200) return field;
  throw refuse('filters.field', field, 'a filter field is a property path such as lab.name, optionally ending in !');
}

/** PROGRAM-PROJECT split the way GDC does: the program is everything before the first '-'. */
export function checkGdcProject(project: string, argument = 'project'): { program: string; project: string } {
  const m = /^([A-Za-z0-9_]{1,100})-([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)$/.exec(project);
  if (!m || project.length > 200) {
    throw refuse(argument, project, 'a GDC project is PROGRAM-PROJECT, such as GDC-INTERNAL or TCGA-LUAD (letters, digits, _ and -)');
  }
  return { program: m[1], project: m[2] };
}

/** A GDC node type (`case`, `submitted_unaligned_reads`) or `_all`. */
export function checkGdcNodeType(type: string, argument = 'type'): string {
  if (/^_?[a-z][a-z0-9_]{0,99}$/.test(type)) return type;
  throw refuse(argument, type, 'a GDC node type is a dictionary name such as case or aliquot (lower case, digits, _)');
}

/** GDC entity ids are uuids. */
export function checkGdcId(id: string, argument = 'ids'): string {
  if (UUID.test(id)) return id;
  throw refuse(argument, id, 'a GDC entity id is a uuid, such as 7e4d9d0c-4b1a-4b47-9a7a-2f8a7b5c1d00');
}

/**
 * A value for a request header: printable ASCII as it is; anything else (a non-Latin-1 file
 * name) percent-encoded as UTF-8, so the header is always valid and nothing is lost.
 */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
