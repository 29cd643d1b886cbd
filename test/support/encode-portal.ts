import { request } from 'undici';
import { createEncodeSandbox, ENCODE_SANDBOX_KEYS, type EncodeSandbox, type EncodeSandboxOptions } from '../../src/sandbox/encode';
import { listen, type Listening } from '../../src/sandbox/shared/listen';

export type Key = { id: string; secret: string } | null;

export interface PortalResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface RunningPortal {
  sandbox: EncodeSandbox;
  url: string;
  call(method: string, path: string, body?: unknown, key?: Key): Promise<PortalResponse>;
  stop(): Promise<void>;
}

/** The ENCODE emulator alone on a loopback port, with a small HTTP helper (admin by default). */
export async function startPortal(options: Partial<EncodeSandboxOptions> = {}): Promise<RunningPortal> {
  const sandbox = await createEncodeSandbox({
    s3: { bucket: 'encode-sandbox-uploads', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    ...options,
  });
  const server: Listening = await listen(sandbox.handler);
  return {
    sandbox,
    url: server.url,
    async call(method, path, body, key = ENCODE_SANDBOX_KEYS.admin) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (key) headers.authorization = `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await request(`${server.url}${path}`, {
        method: method as any,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.body.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.statusCode, headers: res.headers, body: parsed };
    },
    stop: () => server.close(),
  };
}
