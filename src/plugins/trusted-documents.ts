import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** One operation of a persisted-query manifest, as Apollo's generator and Relay's compiler emit it. */
export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The operations a production deployment allows (TRUSTED_DOCUMENTS): looked up by id or by exact body, never parsed. */
export class TrustedDocuments {
  private readonly byId = new Map<string, string>();
  private readonly bodies = new Set<string>();

  constructor(
    readonly file: string,
    operations: ManifestOperation[],
  ) {
    for (const op of operations) {
      this.byId.set(op.id, op.body);
      this.bodies.add(op.body);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  bodyOf(id: string): string | undefined {
    return this.byId.get(id);
  }

  allows(body: string): boolean {
    return this.bodies.has(body);
  }
}

/** Reads and checks a manifest; every problem is one line naming the file and the operation. */
export function loadTrustedDocuments(file: string): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`TRUSTED_DOCUMENTS '${file}' cannot be read as JSON: ${(err as Error).message}`);
  }
  const m = manifest as Partial<PersistedQueryManifest> | null;
  if (!m || m.format !== MANIFEST_FORMAT || !Array.isArray(m.operations)) {
    throw new Error(`TRUSTED_DOCUMENTS '${file}' is not a persisted-query manifest: expected { "format": "${MANIFEST_FORMAT}", "operations": [...] }`);
  }
  m.operations.forEach((op, i) => {
    const ok = op && typeof op.id === 'string' && op.id && typeof op.body === 'string' && op.body && typeof op.name === 'string' && ['query', 'mutation', 'subscription'].includes(op.type);
    if (!ok) throw new Error(`TRUSTED_DOCUMENTS '${file}': operation ${i + 1} needs a non-empty id and body, a name and a type (query, mutation or subscription)`);
  });
  return new TrustedDocuments(file, m.operations);
}
