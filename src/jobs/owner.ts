import { createHash } from 'node:crypto';
import type { Credentials } from '../credentials';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Who owns the jobs a caller starts (JobModel.owner): the gateway key it proved, else a fingerprint
 * of its upstream credentials. Both are hashed so the owner, which is stored, never holds a secret.
 */
export function ownerOf(credentials: Credentials, gatewayKey?: string | null): string {
  if (gatewayKey) return `key:${sha256(gatewayKey)}`;
  const encode = credentials.encode ? `${credentials.encode.key}\n${credentials.encode.secret}` : '';
  return `cred:${sha256(`encode\n${encode}\ngdc\n${credentials.gdcToken ?? ''}`)}`;
}
