import { randomBytes, randomUUID } from 'node:crypto';
import type { Json } from './profiles';

export interface S3Target {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What encoded's `upload_credentials` holds (an STS federation token, here the sandbox S3's own key). */
export interface UploadCredentials {
  access_key: string;
  secret_key: string;
  session_token: string;
  expiration: string;
  upload_url: string;
  federated_user_arn: string;
  federated_user_id: string;
  request_id: string;
}

/** Valid for 36 hours, as encoded asks STS for. */
const LIFETIME_MS = 36 * 3600 * 1000;

/**
 * Credentials for one file: key `<YYYY/MM/DD>/<uuid>/<accession><ext>` in the sandbox bucket, the
 * extension from the profile's `file_format_file_extension` map as encoded does.
 */
export function issueUploadCredentials(s3: S3Target, uuid: string, props: Json, extensions: Json | undefined, now = new Date()): UploadCredentials {
  const ext = extensions?.[props.file_format] ?? extensionOf(props.submitted_file_name);
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  const name = `${props.accession ?? uuid}${ext}`;
  const userId = `up${Date.now()}${randomBytes(3).toString('hex')}`;
  return {
    access_key: s3.accessKeyId,
    secret_key: s3.secretAccessKey,
    session_token: randomBytes(24).toString('base64'),
    expiration: new Date(now.getTime() + LIFETIME_MS).toISOString().replace('Z', '+00:00'),
    upload_url: `s3://${s3.bucket}/${day}/${uuid}/${name}`,
    federated_user_arn: `arn:aws:sts::000000000000:federated-user/${userId}`,
    federated_user_id: `000000000000:${userId}`,
    request_id: randomUUID(),
  };
}

function extensionOf(fileName: unknown): string {
  if (typeof fileName !== 'string') return '';
  const m = /(\.[A-Za-z0-9]+)?(\.gz|\.bz2)?$/.exec(fileName.split('/').pop() ?? '');
  return m ? `${m[1] ?? ''}${m[2] ?? ''}` : '';
}
