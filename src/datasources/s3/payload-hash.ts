import { webcrypto } from 'node:crypto';
import type { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';

const SHA256_HEADER = 'x-amz-content-sha256';

/**
 * How the bytes of a PUT enter its SigV4 signature:
 * - `unsigned` over TLS (AWS itself, any https endpoint), as the aws CLI sends S3 uploads: TLS
 *   guards the bytes in transit, and hashing them costs as much CPU as sending them;
 * - `sha256` over plain http (a local S3), where the signature is the only guard.
 */
export type PayloadSigning = 'unsigned' | 'sha256';

/** `unsigned` for AWS (no endpoint) and https endpoints, else `sha256`. */
export function payloadSigningFor(endpoint: string | undefined | null): PayloadSigning {
  return !endpoint || /^https:/i.test(endpoint) ? 'unsigned' : 'sha256';
}

/**
 * Gives a PUT of bytes in hand the payload hash SigV4 signs, so the SDK does not hash the body on
 * the event loop (an 8 MiB part held every other caller for 15–25 ms, and parts in flight queued
 * their hashes one after the other): UNSIGNED-PAYLOAD, or the SHA-256 computed by WebCrypto on
 * libuv's thread pool, the value the signer would compute, so S3 checks it.
 */
export async function withPayloadHash<C extends UploadPartCommand | PutObjectCommand>(command: C, body: Uint8Array, signing: PayloadSigning): Promise<C> {
  const hash = signing === 'unsigned' ? 'UNSIGNED-PAYLOAD' : Buffer.from(await webcrypto.subtle.digest('SHA-256', body)).toString('hex');
  // Both commands' stacks take a build-step middleware that only sets a header.
  const stack = command.middlewareStack as UploadPartCommand['middlewareStack'];
  stack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[SHA256_HEADER] = hash;
      return next(args);
    },
    { step: 'build', name: 'payloadHash' },
  );
  return command;
}
