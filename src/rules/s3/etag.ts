import { createHash } from 'node:crypto';

/** S3's ETag of one part or single-PUT object: the md5 of its bytes, in lower-case hex. */
export function partEtag(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** An ETag as S3 answers it (`"…"`, any case) in the form compared and remembered: bare lower-case hex. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '').toLowerCase();
}

/**
 * S3's ETag of a multipart object: the md5 of the parts' binary md5s, then `-<number of parts>`
 * (a single PUT's ETag is the md5 of its bytes). Used by the sandbox S3 to answer like S3 and by the
 * gateway to check what S3 answers.
 */
export function multipartEtag(partMd5Hex: string[]): string {
  const hash = createHash('md5');
  for (const hex of partMd5Hex) hash.update(Buffer.from(hex, 'hex'));
  return `${hash.digest('hex')}-${partMd5Hex.length}`;
}
