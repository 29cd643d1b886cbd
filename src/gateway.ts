import type { Logger } from 'pino';
import { createGatewayApp } from './app';
import type { GatewayInfoModel } from './config';
import { DEFAULT_ENCODE_S3_REGION, DEFAULT_MAX_DATA_FILE_BYTES, DEFAULT_UPLOAD_PARALLEL_PARTS, DEFAULT_UPLOAD_PART_BYTES } from './config';
import type { Credentials } from './context';
import type { UploadObserver } from './services/result';
import { UpstreamPool } from './datasources/http';
import { listen } from './listen';
import { recordUploadBytes } from './metrics';

export interface GatewayOptions {
  encodeUrl: string;
  gdcUrl: string;
  /** Which of the two are the embedded sandbox (reported by gatewayInfo). */
  sandbox: { encode: boolean; gdc: boolean };
  defaults: Credentials;
  logger: Logger;
  port?: number;
  host?: string;
  upstreamTimeoutMs?: number;
  maxUploadBytes?: number;
  uploads?: GatewayUploadOptions;
  /** MAX_UPSTREAM_CALLS: reads one operation may send upstream (see datasources/upstream-calls.ts). */
  maxUpstreamCalls?: number;
  version?: string;
}

export interface GatewayUploadOptions {
  /** ENCODE's S3 endpoint; unset = AWS S3. The sandbox's S3 when ENCODE is the sandbox. */
  encodeS3Endpoint?: string | null;
  encodeS3Region?: string;
  maxDataFileBytes?: number;
  partBytes?: number;
  parallelParts?: number;
  observe?: UploadObserver;
}

export interface RunningGateway {
  url: string;
  graphqlUrl: string;
  stop(): Promise<void>;
}

/** Connects to two upstreams (real or sandbox) and serves the GraphQL API. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const timeoutMs = options.upstreamTimeoutMs ?? 60_000;
  const upstreams = {
    encode: new UpstreamPool('ENCODE', options.encodeUrl, { timeoutMs, logger: options.logger }),
    gdc: new UpstreamPool('GDC', options.gdcUrl, { timeoutMs, logger: options.logger }),
  };
  const info: GatewayInfoModel = {
    version: options.version ?? '0.0.0',
    sandbox: options.sandbox.encode || options.sandbox.gdc,
    upstreams: [
      { source: 'ENCODE', url: options.encodeUrl, sandbox: options.sandbox.encode },
      { source: 'GDC', url: options.gdcUrl, sandbox: options.sandbox.gdc },
    ],
  };
  const gateway = await createGatewayApp({
    upstreams,
    defaults: options.defaults,
    info,
    logger: options.logger,
    maxUploadBytes: options.maxUploadBytes ?? 100 * 1024 * 1024,
    uploads: uploadSettings(options.uploads ?? {}),
    maxUpstreamCalls: options.maxUpstreamCalls ?? 50,
  });
  const server = await listen(gateway.app, options.port ?? 0, options.host ?? '127.0.0.1');
  const shownHost = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost';
  const url = `http://${shownHost}:${server.port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    stop: async () => {
      await server.close();
      await gateway.stop();
      await Promise.all([upstreams.encode.close(), upstreams.gdc.close()]);
    },
  };
}

function uploadSettings(o: GatewayUploadOptions) {
  return {
    s3: {
      endpoint: o.encodeS3Endpoint ?? null,
      region: o.encodeS3Region ?? DEFAULT_ENCODE_S3_REGION,
      partBytes: o.partBytes ?? DEFAULT_UPLOAD_PART_BYTES,
      parallelParts: o.parallelParts ?? DEFAULT_UPLOAD_PARALLEL_PARTS,
    },
    maxDataFileBytes: o.maxDataFileBytes ?? DEFAULT_MAX_DATA_FILE_BYTES,
    observe: o.observe ?? (({ source, bytes }: { source: string; bytes: number }) => recordUploadBytes(source, bytes)),
  };
}
