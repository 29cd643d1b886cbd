import { request } from 'undici';
import type { RunningEncode } from '../../src/sandbox';

/**
 * The S3 key the sandbox portal issued for a file record, read from the portal itself
 * (`GET /<id>/@@upload`): the gateway never hands out `upload_credentials`.
 */
export async function uploadUrlOf(encode: Pick<RunningEncode, 'url' | 'credentials'>, id: string): Promise<string> {
  const auth = Buffer.from(`${encode.credentials.key}:${encode.credentials.secret}`).toString('base64');
  const res = await request(`${encode.url}/${encodeURIComponent(id).replace(/%3A/gi, ':')}/@@upload`, { headers: { authorization: `Basic ${auth}`, accept: 'application/json' } });
  const body = (await res.body.json()) as { '@graph'?: { upload_credentials?: { upload_url?: string } | null }[] };
  const url = body['@graph']?.[0]?.upload_credentials?.upload_url;
  if (res.statusCode !== 200 || !url) throw new Error(`no upload credentials for ${id}: HTTP ${res.statusCode} ${JSON.stringify(body)}`);
  return url;
}
