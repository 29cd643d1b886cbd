import { createHash } from 'node:crypto';

/** What `gatewayInfo.schemaVersion` reports (GraphQL type SchemaVersion). */
export interface SchemaVersionModel {
  id: string;
  encodeProfiles: string | null;
  gdcDictionary: string | null;
  encodeProfileCount: number;
  gdcNodeCount: number;
  generatedAt: string;
  problems: string[];
}

/** A short, stable fingerprint of an upstream schema document as it was served. */
export function fingerprint(document: unknown): string {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 12);
}

export function versionId(encode: string | null, gdc: string | null): string {
  return `encode-${encode ?? 'none'}.gdc-${gdc ?? 'none'}`;
}
