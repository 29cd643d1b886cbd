import { type Readable, Transform } from 'node:stream';
import { request } from 'undici';
import { graphqlMultipart, type MultipartFile } from './multipart';

export interface GraphqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The gateway could not answer the operation: transport failure, HTTP error or GraphQL errors. */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly errors: GraphqlError[] = [],
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** Speaks GraphQL to a gateway, over JSON or (with files) the multipart request spec. */
export class GatewayClient {
  constructor(
    readonly url: string,
    /** Sent with every request; also what a subscription to the same gateway sends. */
    readonly headers: Record<string, string> = {},
  ) {}

  /** A JSON operation; its data, or a GatewayError with the GraphQL errors. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = JSON.stringify({ query, variables });
    return this.send<T>({ 'content-type': 'application/json' }, body);
  }

  /**
   * An operation with files, streamed from disk. `onBytes` is told each chunk of file bytes as it
   * leaves (for progress), before the gateway has answered.
   */
  async upload<T>(query: string, variables: Record<string, unknown>, files: MultipartFile[], onBytes?: (n: number) => void): Promise<T> {
    const counted = files.map((f) => ({ ...f, open: () => counted_(f.open(), onBytes) }));
    const { contentType, length, body } = graphqlMultipart(query, variables, counted);
    // Apollo refuses multipart requests without this header (its CSRF protection).
    return this.send<T>({ 'content-type': contentType, 'content-length': String(length), 'apollo-require-preflight': 'true' }, body);
  }

  private async send<T>(headers: Record<string, string>, body: string | NodeJS.ReadableStream): Promise<T> {
    let res;
    try {
      res = await request(this.url, { method: 'POST', headers: { accept: 'application/json', ...this.headers, ...headers }, body: body as never, headersTimeout: 0, bodyTimeout: 0 });
    } catch (err) {
      throw new GatewayError(`The gateway at ${this.url} could not be reached: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    let parsed: { data?: T | null; errors?: GraphqlError[] } | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new GatewayError(`The gateway at ${this.url} answered ${res.statusCode} without JSON: ${text.slice(0, 200)}`);
    }
    if (parsed?.errors?.length) throw new GatewayError(parsed.errors.map(describe).join('; '), parsed.errors);
    if (!parsed?.data) throw new GatewayError(`The gateway at ${this.url} answered ${res.statusCode} with no data`);
    return parsed.data;
  }
}

function describe(e: GraphqlError): string {
  const code = e.extensions?.code;
  return code ? `${e.message} (${String(code)})` : e.message;
}

/** The file's bytes, counted as they leave; a read error fails the request instead of stalling it. */
function counted_(source: Readable, onBytes?: (n: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  source.on('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}
