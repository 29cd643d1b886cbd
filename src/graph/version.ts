import { createHash } from 'node:crypto';
import type { ProfileSet } from '../rules/encode/profiles';

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

/**
 * The GDC dictionary's fingerprint: the hash of its bytes as served when the reader took one
 * (sources.ts), else (a document given directly, as tests do) its printed form's.
 */
export function gdcFingerprint(sources: { gdcDictionary: unknown; gdcDictionaryHash?: string | null }): string | null {
  if (!sources.gdcDictionary) return null;
  return sources.gdcDictionaryHash ?? fingerprint(sources.gdcDictionary);
}

const profileFingerprints = new WeakMap<ProfileSet, string>();

/** The fingerprint of ENCODE profiles: their served schemas by type name, with the hierarchy. */
export function profilesFingerprint(profiles: ProfileSet): string {
  let hash = profileFingerprints.get(profiles);
  if (!hash) {
    const types = [...profiles.types.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => [t.name, t.subtypes, t.schema]);
    profileFingerprints.set(profiles, (hash = fingerprint(types)));
  }
  return hash;
}

export function versionId(encode: string | null, gdc: string | null): string {
  return `encode-${encode ?? 'none'}.gdc-${gdc ?? 'none'}`;
}
