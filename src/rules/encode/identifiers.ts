/**
 * What identifies an ENCODE record, as encoded's root resolves a name (root.py, schema_formats.py):
 * uuid, accession, alias (anything with a colon, so `md5:<hex>` too), else a collection key.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** encoded's accession_re and test_accession_re (the test server mints `TST` accessions). */
const ACCESSION = /^ENC(FF|SR|AB|BS|DO|GM|LB|PL|AN)[0-9]{3}[A-Z]{3}$/;
const TEST_ACCESSION = /^TST(FF|SR|AB|BS|DO|GM|LB|PL|AN)[0-9]{3}([0-9]{3}|[A-Z]{3})$/;
/** encoded's uuid format check: Python's re.match of this (a prefix match, dashes optional). */
const UUID_FORMAT = /^\{?(?:[0-9a-f]{4}-?){8}\}?/i;
const MD5 = /^[0-9a-f]{32}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A production or test-server accession (`ENCBS000AAA`, `TSTBS012345`). */
export function isAccession(value: string): boolean {
  return ACCESSION.test(value) || TEST_ACCESSION.test(value);
}

/** The `uuid` format as encoded checks it, looser than RFC 4122. */
export function isUuidFormat(value: string): boolean {
  return UUID_FORMAT.test(value);
}

export function isMd5(value: string): boolean {
  return MD5.test(value);
}

export type IdentifierKind = 'uuid' | 'accession' | 'path' | 'md5' | 'alias' | 'key';

/** How the portal resolves an identifier, in its order; `key` only resolves inside a collection. */
export function identifierKind(id: string): IdentifierKind {
  if (isUuid(id)) return 'uuid';
  if (isAccession(id)) return 'accession';
  if (id.startsWith('/')) return 'path';
  if (id.startsWith('md5:')) return 'md5';
  if (id.includes(':')) return 'alias';
  return 'key';
}

/** `/labs/jane-doe/` → `['labs', 'jane-doe']`; null for anything that is not a two-part path. */
export function splitPath(path: string): [collection: string, key: string] | null {
  const parts = path.split('/').filter(Boolean);
  return parts.length === 2 ? [parts[0], decodeURIComponent(parts[1])] : null;
}
