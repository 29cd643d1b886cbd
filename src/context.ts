import type { Logger } from 'pino';
import type { EncodeWriteConfig, GatewayInfoModel } from './config';
import type { Credentials } from './credentials';
import { type EncodeApi, EncodeClient } from './datasources/encode/client';
import { createEncodeLoaders, type EncodeLoaders } from './datasources/encode/loaders';
import { type GdcApi, GdcClient } from './datasources/gdc/client';
import { createGdcLoaders, type GdcLoaders } from './datasources/gdc/loaders';
import type { UpstreamPool } from './datasources/http';
import { UpstreamCalls } from './datasources/upstream-calls';
import { EncodeRegistrationService } from './services/encode/registration';
import { GdcSubmissionService } from './services/gdc/submission';
import { GDC_UPLOAD_DEFAULTS, type GdcUploadRequest, uploadGdcFile } from './services/gdc/upload';
import type { UploadResultModel } from './services/result';

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
    uploads: { gdc: (request: GdcUploadRequest) => Promise<UploadResultModel> };
  };
  /** This operation's upstream calls: counts (extensions.upstreamCalls), cap and memo. See upstream-calls.ts. */
  upstreamCalls: UpstreamCalls;
  /** This request's id (X-Request-Id) and what the access log records about it. */
  request: RequestLocals;
  info: GatewayInfoModel;
  logger: Logger;
  maxUploadBytes: number;
}

export type { Credentials };

export interface ContextDeps {
  /** The process-wide pools; each request reaches them only through its own UpstreamCalls. */
  upstreams: { encode: UpstreamPool; gdc: UpstreamPool };
  info: GatewayInfoModel;
  logger: Logger;
  maxUploadBytes: number;
  encodeWrites: EncodeWriteConfig;
  /** MAX_UPSTREAM_CALLS */
  maxUpstreamCalls: number;
  /** GDC data file uploads: part size and parts in flight (defaults in services/gdc/upload.ts). */
  gdcUploads?: { partBytes?: number; parallelParts?: number };
}

/** What the express middleware in front of Apollo decided about a request (see src/app.ts). */
export interface RequestLocals {
  /** From callerCredentials (src/credentials.ts). */
  credentials: Credentials;
  requestId: string;
  /** The operation's name, for the access log (set by the operation plugin). */
  operationName?: string;
}

export function createContextFactory(deps: ContextDeps) {
  return async ({ res }: { res: { locals: Record<string, unknown> } }): Promise<GatewayContext> => {
    const locals = res.locals as unknown as RequestLocals;
    const creds = locals.credentials;
    const upstreamCalls = new UpstreamCalls(deps.maxUpstreamCalls);
    const encode = new EncodeClient(upstreamCalls.http(deps.upstreams.encode), creds.encode);
    const gdc = new GdcClient(upstreamCalls.http(deps.upstreams.gdc), creds.gdcToken);
    const loaders = { encode: createEncodeLoaders(encode), gdc: createGdcLoaders(gdc) };
    return {
      encode,
      gdc,
      loaders,
      services: {
        encode: new EncodeRegistrationService(encode, loaders.encode, { ...deps.encodeWrites, maxUploadBytes: deps.maxUploadBytes }, upstreamCalls),
        gdc: new GdcSubmissionService(gdc, loaders.gdc, deps.maxUploadBytes),
        uploads: {
          gdc: (request) =>
            uploadGdcFile(
              {
                api: gdc,
                loaders: loaders.gdc,
                limits: { maxDataFileBytes: deps.maxUploadBytes },
                ...GDC_UPLOAD_DEFAULTS,
                partBytes: deps.gdcUploads?.partBytes ?? GDC_UPLOAD_DEFAULTS.partBytes,
                parallelParts: deps.gdcUploads?.parallelParts ?? GDC_UPLOAD_DEFAULTS.parallelParts,
              },
              request,
            ),
        },
      },
      upstreamCalls,
      request: locals,
      info: deps.info,
      logger: deps.logger,
      maxUploadBytes: deps.maxUploadBytes,
    };
  };
}
