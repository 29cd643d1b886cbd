import { S3ServiceException } from '@aws-sdk/client-s3';

/** An S3 request failed: S3's error code and message, kept for the caller. */
export class S3UploadError extends Error {
  constructor(
    readonly code: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'S3UploadError';
  }
}

/** A failed S3 request as an S3UploadError: S3's own answer with its code, a network failure as RequestFailed. */
export function s3RequestError(err: unknown): S3UploadError {
  if (err instanceof S3UploadError) return err;
  if (err instanceof S3ServiceException) return new S3UploadError(err.name, err.$metadata?.httpStatusCode ?? null, `S3 answered ${err.name}: ${err.message}`);
  return new S3UploadError('RequestFailed', null, `S3 could not be reached: ${(err as Error).message}`);
}
