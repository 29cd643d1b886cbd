import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** Bytes hashed between turns of the event loop: about 0.3 ms of SHA-256 here. */
const SLICE_BYTES = 512 * 1024;

/**
 * The SHA-256 of bytes in hand, a slice per turn of the event loop. The SDK's own hash of an
 * 8 MiB part held every other caller for 15–25 ms. WebCrypto hashed on libuv's thread pool but
 * copied every part first: with the machine busy that copy cost the event loop more than this
 * hash does (1.15 s per GiB against 0.6 s, `npm run bench -- upload`).
 */
async function sha256InSlices(body: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < body.length; at += SLICE_BYTES) {
    if (at > 0) await nextTurn();
    hash.update(body.subarray(at, at + SLICE_BYTES));
  }
  return hash.digest('hex');
}

/**
 * Gives a PUT of bytes in hand the payload hash SigV4 signs, so the SDK does not hash the body in
 * one piece on the event loop: UNSIGNED-PAYLOAD, or the SHA-256 the signer would compute (so S3
 * checks it), in slices.
 */
export async function withPayloadHash<C extends UploadPartCommand | PutObjectCommand>(command: C, body: Uint8Array, signing: PayloadSigning): Promise<C> {
  const hash = signing === 'unsigned' ? 'UNSIGNED-PAYLOAD' : await sha256InSlices(body);
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
