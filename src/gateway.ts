import type { Logger } from 'pino';
import { createGatewayApp } from './app';
import type { EncodeWriteConfig, GatewayInfoModel } from './config';
import type { Credentials } from './context';
import { UpstreamPool } from './datasources/http';
import { listen } from './listen';

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
  /** MAX_UPSTREAM_CALLS: reads one operation may send upstream (see datasources/upstream-calls.ts). */
  maxUpstreamCalls?: number;
  version?: string;
  /** ENCODE registration defaults and limits; unset fields take their defaults. */
  encode?: Partial<EncodeWriteConfig>;
}

export const ENCODE_WRITE_DEFAULTS: EncodeWriteConfig = { award: null, lab: null, uploadRoot: null, writeConcurrency: 8, s3Endpoint: null };

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
    encodeWrites: { ...ENCODE_WRITE_DEFAULTS, ...options.encode },
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
