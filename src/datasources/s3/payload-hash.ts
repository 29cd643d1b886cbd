import { webcrypto } from 'node:crypto';
import type { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';

const SHA256_HEADER = 'x-amz-content-sha256';

/**
 * Gives a PUT of bytes in hand the SHA-256 SigV4 signs, computed by WebCrypto on libuv's thread
 * pool: the signer takes a hash already in the headers instead of hashing the body on the event
 * loop, where an 8 MiB part held every other caller for 15–25 ms and parts in flight queued their
 * hashes one after the other. The value is the one the signer would compute, so S3 checks it.
 */
export async function withPayloadHash<C extends UploadPartCommand | PutObjectCommand>(command: C, body: Uint8Array): Promise<C> {
  const sha256 = Buffer.from(await webcrypto.subtle.digest('SHA-256', body)).toString('hex');
  // Both commands' stacks take a build-step middleware that only sets a header.
  const stack = command.middlewareStack as UploadPartCommand['middlewareStack'];
  stack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[SHA256_HEADER] = sha256;
      return next(args);
    },
    { step: 'build', name: 'precomputedPayloadSha256' },
  );
  return command;
}
