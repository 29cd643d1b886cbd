import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A job's upstream credentials at rest: AES-256-GCM under JOBS_ENCRYPTION_KEY, bound to the job id
 * (additional data), so a sealed blob copied onto another job does not open.
 * Layout: 12-byte IV | 16-byte tag | ciphertext.
 */
export function seal(key: Buffer, jobId: string, plain: unknown): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(jobId));
  const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** null when the key is another one or the blob was altered (GCM's tag does not match). */
export function open<T>(key: Buffer, jobId: string, sealed: Buffer): T | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(jobId));
    decipher.setAuthTag(sealed.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch {
    return null;
  }
}
