import { identifierKind } from '../../rules/encode/identifiers';
import type { EncodeRecord } from './models';

/** The search field that finds a record by this kind of identifier, or null when only a GET can. */
export type IdentifierField = 'uuid' | 'accession' | '@id' | 'md5sum' | 'aliases';

export interface ClassifiedId {
  field: IdentifierField | null;
  /** The value to search for (md5: prefix removed). */
  value: string;
}

/** How the portal resolves an identifier (snovault root.py order), reduced to a search field. */
export function classifyIdentifier(id: string): ClassifiedId {
  switch (identifierKind(id)) {
    case 'uuid':
      return { field: 'uuid', value: id.toLowerCase() };
    case 'accession':
      return { field: 'accession', value: id };
    case 'path':
      return { field: '@id', value: id.endsWith('/') ? id : `${id}/` };
    case 'md5':
      return { field: 'md5sum', value: id.slice(4) };
    case 'alias':
      return { field: 'aliases', value: id };
    default:
      return { field: null, value: id };
  }
}

/** Every identifier a record answers to, for matching search hits back to the ids asked. */
export function identifiersOf(record: EncodeRecord): string[] {
  const ids: string[] = [record['@id'], record.uuid];
  if (record.accession) ids.push(record.accession);
  for (const a of record.alternate_accessions ?? []) ids.push(a);
  for (const a of record.aliases ?? []) ids.push(a);
  if (record.md5sum) ids.push(`md5:${record.md5sum}`);
  return ids.filter(Boolean);
}

/** Path segment for a GET or PATCH: @id paths as they are; others encoded but keeping ':' as the portal expects. */
export function identifierPath(id: string): string {
  if (id.startsWith('/')) return id.endsWith('/') ? id : `${id}/`;
  return `/${encodeURIComponent(id).replace(/%3A/gi, ':')}/`;
}

/**
 * Splits values into chunks whose query string stays under `maxChars`, so a batch of
 * identifiers never produces a URL that proxies in front of the portal would refuse.
 */
export function chunkByLength(field: string, values: string[], maxChars = 6000): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const v of values) {
    const cost = encodeURIComponent(field).length + encodeURIComponent(v).length + 2;
    if (current.length && length + cost > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(v);
    length += cost;
  }
  if (current.length) chunks.push(current);
  return chunks;
}
