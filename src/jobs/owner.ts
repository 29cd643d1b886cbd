import { callerIdentity, credentialParts } from '../caller-key';
import type { Credentials } from '../credentials';

/**
 * Who owns the jobs a caller starts (JobModel.owner): the same identity rate limits count by
 * (src/caller-key.ts callerIdentity) over the credentials the request acts with. A caller lent the
 * operator's credentials (loopback without keys) shares them, and so its jobs, with every such caller.
 */
export function ownerOf(credentials: Credentials, gatewayKey?: string | null): string {
  return callerIdentity(gatewayKey, credentialParts(credentials)) ?? 'credentials:none';
}
