import pino from 'pino';
import { request } from 'undici';
import { type GatewayOptions, startGateway, type RunningGateway } from '../../src/gateway';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox';
import { dataPath } from '../../src/sandbox/shared/paths';

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
  extensions?: Record<string, any>;
}

export interface Stack {
  sandbox: RunningSandbox;
  gateway: RunningGateway;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** A GraphQL multipart request: each file goes where `path` (e.g. `variables.input.file`) says. */
  gqlFiles<T = Record<string, any>>(query: string, variables: Record<string, unknown>, files: { path: string; name: string; content: Buffer }[]): Promise<GqlResponse<T>>;
  stop(): Promise<void>;
}

/** The real ENCODE profiles and inserts and the real GDC dictionary, from data/ in this repository. */
export const REAL_SCHEMAS: SandboxOptions = {
  encodeProfiles: dataPath('encode', 'profiles'),
  encodeSeed: null,
  gdcDictionary: dataPath('gdc', 'dictionary_all.json.gz'),
};

/** A gateway in front of a running sandbox, in sandbox mode, with its default credentials and a silent log. */
export function gatewayOptionsOn(sandbox: RunningSandbox): GatewayOptions {
  return {
    encodeUrl: sandbox.encode!.url,
    gdcUrl: sandbox.gdc!.url,
    sandbox: { encode: true, gdc: true },
    defaults: { encode: sandbox.encode!.credentials, gdcToken: sandbox.gdc!.token },
    logger: pino({ level: 'silent' }),
  };
}

/**
 * The sandbox and a gateway in front of it, both on ephemeral loopback ports; talks real HTTP.
 * `gatewayOptions` overrides what the gateway is started with (limits, timeouts, keys).
 */
export async function startStack(options: SandboxOptions = REAL_SCHEMAS, gatewayOptions: Partial<GatewayOptions> = {}): Promise<Stack> {
  const sandbox = await startSandbox(options);
  const gateway = await startGateway({
    ...gatewayOptionsOn(sandbox),
    ...gatewayOptions,
    // s3:// sources of file records are read from the sandbox S3.
    encode: { s3Endpoint: sandbox.s3?.url ?? null, ...gatewayOptions.encode },
    uploads: { encodeS3Endpoint: sandbox.s3?.url ?? null, ...gatewayOptions.uploads },
  });
  return {
    sandbox,
    gateway,
    async gql(query, variables = {}, headers = {}) {
      const res = await request(gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.body.json()) as { data: any; errors?: any[]; extensions?: Record<string, any> };
      return { status: res.statusCode, data: body.data, errors: body.errors, extensions: body.extensions };
    },
    async gqlFiles(query, variables, files) {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables }));
      form.append('map', JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
      files.forEach((f, i) => form.append(String(i), new Blob([new Uint8Array(f.content)]), f.name));
      const res = await fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
      const body = (await res.json()) as { data: any; errors?: any[] };
      return { status: res.status, data: body.data, errors: body.errors };
    },
    async stop() {
      await gateway.stop();
      await sandbox.stop();
    },
  };
}

/** Fails with the GraphQL errors in the message, so a broken test says why. */
export function ok<T>(res: GqlResponse<T>): T {
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
  return res.data;
}

export const SUBMISSION_RESULT = `
  source success dryRun message transactionId createdCount updatedCount errorCount upstreamStatus transactionalErrors
  entities { index row action valid id accession type submitterId aliases record errors { code type message upstreamMessage row column keys location } warnings }
`;
