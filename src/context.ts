import type { RateLimitLocals } from './http/rate-limit';
import type { SpanParent, TracingLocals } from './plugins/tracing';
import { DiskUploadStates, UPLOAD_STATE_DIR, type UploadStates } from './services/upload-state';
import type { Logger } from 'pino';
import type { EncodeWriteConfig, GatewayInfoModel, QueryLimits } from './config';
import type { Credentials } from './credentials';
import { type EncodeApi, EncodeClient } from './datasources/encode/client';
import { createEncodeLoaders, type EncodeLoaders } from './datasources/encode/loaders';
import { type GdcApi, GdcClient } from './datasources/gdc/client';
import { createGdcLoaders, type GdcLoaders } from './datasources/gdc/loaders';
import { S3Uploader, type S3Settings } from './datasources/s3/uploader';
import type { UpstreamPool } from './datasources/http';
import { UpstreamCalls } from './datasources/upstream-calls';
import { EncodeRegistrationService } from './services/encode/registration';
import { EncodeUploadService } from './services/encode/upload';
import type { UploadAbortModel, UploadObserver, UploadResultModel } from './services/result';
import { GdcSubmissionService } from './services/gdc/submission';
import { inUploadSlot, type UploadSlots } from './services/upload-slots';
import { openS3Source } from './services/encode/local-files';
import type { JobReader, JobsContext, JobUpdates } from './jobs/updates';
import { ownerOf } from './jobs/owner';
import type { ThrottleTiming } from './jobs/throttle';
import type { JobStore } from './jobs/store';
import type { JobRunner } from './jobs/runner';
import type { Cursors } from './graph/cursors';
import { abortGdcUpload, type GdcUploadRequest, uploadGdcFile } from './services/gdc/upload';

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
    uploads: {
      encode: EncodeUploadService;
      gdc: (request: GdcUploadRequest) => Promise<UploadResultModel>;
      /** abortFileUpload: an interrupted GDC multipart upload dropped. */
      gdcAbort: (project: string, id: string) => Promise<UploadAbortModel>;
      slots: UploadSlots;
    };
  };
  /** This operation's upstream calls: counts (extensions.upstreamCalls), cap and memo. See upstream-calls.ts. */
  upstreamCalls: UpstreamCalls;
  /** This request's id (X-Request-Id) and what the access log records about it. */
  request: RequestLocals;
  info: GatewayInfoModel;
  logger: Logger;
  maxUploadBytes: number;
  /** What a passed-on query is checked against (src/apollo/limits.ts checkPassthroughQuery). */
  documentLimits: { limits: QueryLimits; introspection: boolean };
  /** This caller's view of jobs: subscriptions read `reader`/`updates`; `store` pages results, `runner` starts and cancels; `timing` overrides the 250 ms / 5 s event pacing (tests). */
  jobs: JobsContext & { store: JobStore; runner: JobRunner; timing?: ThrottleTiming };
  /** Issues and checks connection cursors with this gateway's key (CURSOR_SECRET). */
  cursors: Cursors;
}

export type { Credentials };

export interface ContextDeps {
  /** The process-wide pools; each request reaches them only through its own UpstreamCalls. */
  upstreams: { encode: UpstreamPool; gdc: UpstreamPool };
  info: GatewayInfoModel;
  logger: Logger;
  maxUploadBytes: number;
  encodeWrites: EncodeWriteConfig;
  uploads: UploadSettings;
  /** MAX_UPSTREAM_CALLS */
  maxUpstreamCalls: number;
  /** The gateway's own document limits and INTROSPECTION: a query passed on upstream (gdcGraphql) is held to them too. */
  limits: QueryLimits;
  introspection: boolean;
  /** GDC node types ranked parents first, from the typed graph's last dictionary read (null: none read). */
  gdcParentRanks?: () => Map<string, number> | null;
  /** The process's job store, runner and update channel (src/jobs/open.ts); `timing` overrides event pacing (tests). */
  jobs: { reader: JobReader; updates: JobUpdates; store: JobStore; runner: JobRunner; timing?: ThrottleTiming };
  /** Connection cursors, keyed by CURSOR_SECRET (or a key of this process). */
  cursors: Cursors;
}

/** Data file uploads (`uploadFile`): where ENCODE's S3 is, how parts are cut, the size limit. */
export interface UploadSettings {
  s3: S3Settings;
  maxDataFileBytes: number;
  /** Uploads under way in this process (MAX_CONCURRENT_UPLOADS), shared by every request. */
  slots: UploadSlots;
  /** Told the bytes of every upload (for metrics). */
  observe?: UploadObserver;
  /** Where unfinished multipart uploads (GDC and ENCODE) are remembered; default this instance's disk (UPLOAD_STATE_DIR). */
  resumeStates?: UploadStates;
}

/** What the express middleware in front of Apollo decided about a request (see src/app.ts). */
export interface RequestLocals extends RateLimitLocals, TracingLocals {
  /** From callerCredentials (src/credentials.ts). */
  credentials: Credentials;
  requestId: string;
  /** In the contexts a job's run makes (src/jobs/runner.ts): its span, parent of the run's upstream calls. */
  jobTrace?: SpanParent;
  /** The identity of the GATEWAY_API_KEYS key the caller proved (src/caller-key.ts gatewayKeyIdentity: a digest, never the key); absent without keys. */
  gatewayKey?: string;
  /** The operation's name, for the access log (set by the operation plugin). */
  operationName?: string;
  /** query, mutation or subscription, and the calls it sent upstream, for the access log (set by finishOperation). */
  operationType?: string;
  upstreamCalls?: Record<string, number>;
}

export function createContextFactory(deps: ContextDeps) {
  const s3 = new S3Uploader(deps.uploads.s3);
  const resumeStates = deps.uploads.resumeStates ?? new DiskUploadStates(UPLOAD_STATE_DIR);
  return async ({ res }: { res: { locals: Record<string, unknown> } }): Promise<GatewayContext> => {
    const locals = res.locals as unknown as RequestLocals;
    const creds = locals.credentials;
    const upstreamCalls = new UpstreamCalls(deps.maxUpstreamCalls, { requestId: locals.requestId, trace: locals.jobTrace ?? locals.trace, admission: locals.admission });
    const encode = new EncodeClient(upstreamCalls.http(deps.upstreams.encode), creds.encode, { allowUsers: deps.encodeWrites.allowUsers });
    const gdc = new GdcClient(upstreamCalls.http(deps.upstreams.gdc), creds.gdcToken);
    const loaders = { encode: createEncodeLoaders(encode), gdc: createGdcLoaders(gdc) };
    const { observe, maxDataFileBytes } = deps.uploads;
    const limits = { maxDataFileBytes };
    const encodeUploads = new EncodeUploadService(encode, s3, limits, resumeStates, observe);
    const sources = { uploadRoot: deps.encodeWrites.uploadRoot, maxBytes: deps.maxUploadBytes, s3Endpoint: deps.encodeWrites.s3Endpoint, s3SourceBuckets: deps.encodeWrites.s3SourceBuckets };
    // An s3:// submitted_file_name is copied in an upload slot, like any upload (MAX_CONCURRENT_UPLOADS).
    const copySource = (id: string, from: string) =>
      inUploadSlot(deps.uploads.slots, null, () => encodeUploads.copy(id, from, async () => (await openS3Source(from, sources)).stream));
    return {
      encode,
      gdc,
      loaders,
      services: {
        encode: new EncodeRegistrationService(encode, loaders.encode, { ...deps.encodeWrites, maxUploadBytes: deps.maxUploadBytes, limits: deps.limits }, upstreamCalls, copySource),
        gdc: new GdcSubmissionService(gdc, loaders.gdc, deps.maxUploadBytes, deps.gdcParentRanks, deps.limits.columns),
        uploads: {
          encode: encodeUploads,
          // One set of upload settings for both upstreams (UPLOAD_PART_BYTES, UPLOAD_PARALLEL_PARTS, MAX_DATA_FILE_BYTES).
          gdc: (request) =>
            uploadGdcFile(
              { api: gdc, loaders: loaders.gdc, limits, observe, states: resumeStates, partBytes: deps.uploads.s3.partBytes, parallelParts: deps.uploads.s3.parallelParts },
              request,
            ),
          gdcAbort: (project, id) => abortGdcUpload({ api: gdc, states: resumeStates }, project, id),
          slots: deps.uploads.slots,
        },
      },
      upstreamCalls,
      request: locals,
      info: deps.info,
      logger: deps.logger,
      maxUploadBytes: deps.maxUploadBytes,
      documentLimits: { limits: deps.limits, introspection: deps.introspection },
      // The owner is a SHA-256 of the caller's identity: computed only by the operations on jobs that read it.
      jobs: withLazyOwner(deps.jobs, () => ownerOf(creds, locals.gatewayKey)),
      cursors: deps.cursors,
    };
  };
}

/** The request's view of jobs, its `owner` computed on first read. */
function withLazyOwner<J extends object>(jobs: J, owner: () => string): J & { owner: string } {
  let value: string | undefined;
  return Object.defineProperty({ ...jobs }, 'owner', { enumerable: true, get: () => (value ??= owner()) }) as J & { owner: string };
}
