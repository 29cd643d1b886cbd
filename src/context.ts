import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayInfoModel } from './config';
import { type EncodeApi, EncodeClient, type EncodeCredentials } from './datasources/encode/client';
import { createEncodeLoaders, type EncodeLoaders } from './datasources/encode/loaders';
import { type GdcApi, GdcClient } from './datasources/gdc/client';
import { createGdcLoaders, type GdcLoaders } from './datasources/gdc/loaders';
import { S3Uploader, type S3Settings } from './datasources/s3/uploader';
import type { UpstreamPool } from './datasources/http';
import { UpstreamCalls } from './datasources/upstream-calls';
import { EncodeRegistrationService } from './services/encode/registration';
import { EncodeUploadService } from './services/encode/upload';
import { type GdcUploadRequest, uploadGdcFile } from './services/gdc/upload';
import type { UploadObserver, UploadResultModel } from './services/result';
import { GdcSubmissionService } from './services/gdc/submission';

/** Everything a resolver may touch, built anew for every request. */
export interface GatewayContext {
  encode: EncodeApi;
  gdc: GdcApi;
  loaders: { encode: EncodeLoaders; gdc: GdcLoaders };
  /** Orchestration per upstream (registration, patches, transactions), over this request's clients and loaders. */
  services: {
    encode: EncodeRegistrationService;
    gdc: GdcSubmissionService;
    /** `uploadFile`, per source. */
    uploads: { encode: EncodeUploadService; gdc: (request: GdcUploadRequest) => Promise<UploadResultModel> };
  };
  /** This operation's upstream calls: counts (extensions.upstreamCalls), cap and memo. See upstream-calls.ts. */
  upstreamCalls: UpstreamCalls;
  info: GatewayInfoModel;
  logger: Logger;
  maxUploadBytes: number;
}

export interface Credentials {
  encode: EncodeCredentials | null;
  gdcToken: string | null;
}

export interface ContextDeps {
  /** The process-wide pools; each request reaches them only through its own UpstreamCalls. */
  upstreams: { encode: UpstreamPool; gdc: UpstreamPool };
  /** Used when a request brings no credential of its own: the environment's, else the sandbox's. */
  defaults: Credentials;
  info: GatewayInfoModel;
  logger: Logger;
  maxUploadBytes: number;
  uploads: UploadSettings;
  /** MAX_UPSTREAM_CALLS */
  maxUpstreamCalls: number;
}

/** Data file uploads (`uploadFile`): where ENCODE's S3 is, how parts are cut, the size limit. */
export interface UploadSettings {
  s3: S3Settings;
  maxDataFileBytes: number;
  /** Told the bytes of every upload (for metrics). */
  observe?: UploadObserver;
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const v = headers[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : null;
}

/** The caller's credentials from its headers, falling back to the configured defaults. */
export function credentialsFrom(headers: IncomingHttpHeaders, defaults: Credentials): Credentials {
  const key = header(headers, 'x-dcc-api-key');
  const secret = header(headers, 'x-dcc-secret-key');
  if (!key !== !secret) {
    throw new GraphQLError('Send both X-Dcc-Api-Key and X-Dcc-Secret-Key, or neither', {
      extensions: { code: 'UNAUTHENTICATED', upstream: 'ENCODE', http: { status: 401 } },
    });
  }
  return {
    encode: key && secret ? { key, secret } : defaults.encode,
    gdcToken: header(headers, 'x-auth-token') ?? defaults.gdcToken,
  };
}

export function createContextFactory(deps: ContextDeps) {
  const s3 = new S3Uploader(deps.uploads.s3);
  return async ({ req }: { req: { headers: IncomingHttpHeaders } }): Promise<GatewayContext> => {
    const creds = credentialsFrom(req.headers, deps.defaults);
    const upstreamCalls = new UpstreamCalls(deps.maxUpstreamCalls);
    const encode = new EncodeClient(upstreamCalls.http(deps.upstreams.encode), creds.encode);
    const gdc = new GdcClient(upstreamCalls.http(deps.upstreams.gdc), creds.gdcToken);
    const loaders = { encode: createEncodeLoaders(encode), gdc: createGdcLoaders(gdc) };
    const { observe, maxDataFileBytes } = deps.uploads;
    const limits = { maxDataFileBytes };
    return {
      encode,
      gdc,
      loaders,
      services: {
        encode: new EncodeRegistrationService(encode, loaders.encode),
        gdc: new GdcSubmissionService(gdc, loaders.gdc),
        uploads: {
          encode: new EncodeUploadService(encode, s3, limits, observe),
          gdc: (request) => uploadGdcFile({ api: gdc, loaders: loaders.gdc, limits, observe }, request),
        },
      },
      upstreamCalls,
      info: deps.info,
      logger: deps.logger,
      maxUploadBytes: deps.maxUploadBytes,
    };
  };
}
