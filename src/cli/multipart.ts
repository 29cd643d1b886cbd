import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A file for a GraphQL multipart request: where it goes in the variables, and its bytes. */
export interface MultipartFile {
  /** Object path of the Upload in the operation, e.g. `variables.input.file`. */
  path: string;
  filename: string;
  /** Exact byte count, so the request carries a Content-Length (and progress has a total). */
  size: number;
  open(): Readable;
}

export interface MultipartBody {
  contentType: string;
  length: number;
  body: Readable;
}

/**
 * A request body in the GraphQL multipart request spec (operations, map, then the files),
 * streamed: files are read as the body is sent, never held in memory. Written here rather than
 * with a form-data library because the CLI needs the exact length up front and the file bytes as a
 * stream it can count for its progress bar.
 */
export function graphqlMultipart(query: string, variables: Record<string, unknown>, files: MultipartFile[]): MultipartBody {
  const boundary = `----submission-gateway-${randomBytes(12).toString('hex')}`;
  const operations = JSON.stringify({ query, variables: withNulls(variables, files) });
  const map = JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]])));
  const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const head = Buffer.concat([field('operations', operations), field('map', map)]);
  const fileHeads = files.map((f, i) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${i}"; filename="${quoted(f.filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  const crlf = Buffer.from('\r\n');
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length = head.length + tail.length + files.reduce((n, f, i) => n + fileHeads[i].length + f.size + crlf.length, 0);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for (const [i, f] of files.entries()) {
      yield fileHeads[i];
      for await (const chunk of f.open()) yield chunk as Buffer;
      yield crlf;
    }
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, body: Readable.from(parts(), { objectMode: false }) };
}

/** The spec wants each file's place in the variables present, as null. */
function withNulls(variables: Record<string, unknown>, files: MultipartFile[]): Record<string, unknown> {
  const copy = structuredClone(variables);
  for (const f of files) {
    const keys = f.path.replace(/^variables\./, '').split('.');
    let at: Record<string, unknown> = copy;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = null;
  }
  return copy;
}

function quoted(name: string): string {
  return name.replace(/["\r\n\\]/g, '_');
}
