/** Who is calling: encoded's groups reduced to the three roles the sandbox needs. */
export type Role = 'admin' | 'submitter' | 'viewer';

export interface AccessKey {
  id: string;
  secret: string;
  role: Role;
  /** The user the key belongs to, found (or created) by email. */
  email: string;
}

export interface Principal {
  role: Role | 'anonymous';
  keyId?: string;
  /** The user's uuid, when signed in. */
  userId?: string;
  /** Lab uuids the user submits for (admins submit for any). */
  submitsFor: string[];
}

export const ANONYMOUS: Principal = { role: 'anonymous', submitsFor: [] };

/** Fixed, non-secret sandbox keys (the emulator listens on loopback only). */
export const ENCODE_SANDBOX_KEYS = {
  admin: { id: 'SBXADMIN', secret: 'sandbox-admin-secret', role: 'admin', email: 'admin@sandbox.invalid' },
  submitter: { id: 'SBXSUBMIT', secret: 'sandbox-submitter-secret', role: 'submitter', email: 'submitter@sandbox.invalid' },
  viewer: { id: 'SBXVIEWER', secret: 'sandbox-viewer-secret', role: 'viewer', email: 'viewer@sandbox.invalid' },
} as const satisfies Record<string, AccessKey>;

export const isAdmin = (p: Principal) => p.role === 'admin';
