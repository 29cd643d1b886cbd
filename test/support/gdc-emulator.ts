import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { request } from 'undici';
import { createGdcSandbox, GDC_SANDBOX_TOKENS, type GdcSandbox, type GdcSandboxOptions } from '../../src/sandbox/gdc';
import { listen, type Listening } from '../../src/sandbox/shared/listen';
import { dataPath } from '../../src/sandbox/shared/paths';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface GdcEmulator {
  sandbox: GdcSandbox;
  url: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  stop(): Promise<void>;
}

/** The GDC emulator alone, on the real dictionary, spoken to over HTTP with the submitter token by default. */
export async function startGdcEmulator(options: GdcSandboxOptions = {}): Promise<GdcEmulator> {
  const sandbox = await createGdcSandbox({ dictionary: dataPath('gdc', 'dictionary_all.json.gz'), ...options });
  const server: Listening = await listen(sandbox.handler);
  return {
    sandbox,
    url: server.url,
    async call(method, path, body, headers = {}) {
      const isRaw = typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Readable;
      const res = await request(`${server.url}${path}`, {
        method: method as 'GET',
        headers: { 'x-auth-token': GDC_SANDBOX_TOKENS.submitter, ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : isRaw ? (body as string | Buffer | Readable) : JSON.stringify(body),
      });
      const buffer = Buffer.from(await res.body.arrayBuffer());
      const text = buffer.toString('utf8');
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, body: buffer, text, json };
    },
    async stop() {
      await server.close();
      sandbox.close();
    },
  };
}

/** The files of a .tar.gz, by name. */
export async function untarGz(archive: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks).toString('utf8'));
        next();
      });
      stream.resume();
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(gunzipSync(archive));
  await done;
  return files;
}

/** The filename of a Content-Disposition attachment. */
export function attachmentName(headers: Answer['headers']): string | undefined {
  return /filename="?([^";]+)"?/.exec(String(headers['content-disposition'] ?? ''))?.[1];
}
