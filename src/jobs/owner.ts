import type { Credentials } from '../credentials';
import { credentialFingerprint } from './secrets';

/**
 * Who owns the jobs a caller starts: the gateway key they proved (its digest, set by
 * src/http/caller-auth.ts), else a fingerprint of the upstream credentials they act with, so the
 * same wrangler finds their jobs again after a restart and no one else does.
 */
export function jobOwner(gatewayKeyId: string | null | undefined, creds: Credentials): string {
  if (gatewayKeyId) return gatewayKeyId;
  return credentialFingerprint([creds.gdcToken, creds.encode?.key ?? null, creds.encode?.secret ?? null]);
}
